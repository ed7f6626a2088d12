package cairn.engine.fs;

/** Bytes read and whether the read reached the end of the file. */
public record ReadResult(byte[] data, boolean eof) {}
