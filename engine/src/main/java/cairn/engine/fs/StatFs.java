package cairn.engine.fs;

/** Volume capacity and usage in bytes and inodes. */
public record StatFs(long totalBytes, long freeBytes, long availableBytes, long totalInodes, long freeInodes,
                     int blockSize, int nameMax) {}
