package cairn.engine.lsm;

/** One key and its value. */
public record KeyValue(byte[] key, byte[] value) {}
