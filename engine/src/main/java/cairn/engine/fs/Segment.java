package cairn.engine.fs;

/** A run of a file that is either data or a hole (reads as zeros, uses no space). */
public record Segment(long offset, long length, boolean hole) {}
