package cairn.engine.lsm.sst;

/**
 * How SSTs are written. {@code blockBytes}: target uncompressed data-block size (a block closes once it
 * reaches it; one entry larger than the target gets a block of its own). {@code restartInterval}: entries
 * between full keys inside a block (1 = no prefix compression). {@code bloomBitsPerKey}: 0 disables the filter.
 */
public record SstOptions(int blockBytes, Codec codec, int zstdLevel, int restartInterval, int bloomBitsPerKey) {
    public SstOptions {
        if (blockBytes < 256 || blockBytes > SstFormat.MAX_BLOCK_BYTES) throw new IllegalArgumentException("blockBytes " + blockBytes);
        if (restartInterval < 1 || restartInterval > 1024) throw new IllegalArgumentException("restartInterval " + restartInterval);
        if (bloomBitsPerKey < 0 || bloomBitsPerKey > 32) throw new IllegalArgumentException("bloomBitsPerKey " + bloomBitsPerKey);
        if (zstdLevel < -7 || zstdLevel > 22) throw new IllegalArgumentException("zstdLevel " + zstdLevel);
    }

    public static SstOptions defaults() {
        return new SstOptions(8 * 1024, Codec.LZ4, 3, 16, 10);
    }

    public SstOptions withCodec(Codec c) {
        return new SstOptions(blockBytes, c, zstdLevel, restartInterval, bloomBitsPerKey);
    }

    public SstOptions withBlockBytes(int b) {
        return new SstOptions(b, codec, zstdLevel, restartInterval, bloomBitsPerKey);
    }

    public SstOptions withRestartInterval(int r) {
        return new SstOptions(blockBytes, codec, zstdLevel, r, bloomBitsPerKey);
    }
}
