package cairn.engine.fs;

/**
 * Tunables of a {@link CairnFileSystem}.
 *
 * @param extentBytes         size of a file extent (power of two, 4 KiB..1 MiB); fixed when the volume is
 *                            formatted, later opens use the stored value
 * @param maxSizeBytes        quota: writes that would push used bytes above it fail with ENOSPC; 0 = unlimited
 * @param syncMode            every metadata operation is followed by a barrier (NFSv3 letter of the law)
 * @param inodeIdBlock        inode ids reserved per durable watermark bump
 * @param inlineDeleteExtents removals and truncates that drop at most this many extents delete them inside
 *                            their own batch; larger ones mark them stale for the background reclaimer
 * @param reclaimBatchExtents extents the background reclaimer deletes per batch
 */
public record FsOptions(int extentBytes, long maxSizeBytes, boolean syncMode, int inodeIdBlock,
                        int inlineDeleteExtents, int reclaimBatchExtents) {

    public static final int DEFAULT_EXTENT_BYTES = 32 * 1024;

    public FsOptions {
        if (extentBytes < 4096 || extentBytes > (1 << 20) || Integer.bitCount(extentBytes) != 1)
            throw new IllegalArgumentException("extentBytes must be a power of two in 4 KiB..1 MiB: " + extentBytes);
        if (maxSizeBytes < 0) throw new IllegalArgumentException("maxSizeBytes < 0");
        if (inodeIdBlock < 1 || inlineDeleteExtents < 0 || reclaimBatchExtents < 1)
            throw new IllegalArgumentException("inodeIdBlock, reclaimBatchExtents >= 1 and inlineDeleteExtents >= 0");
    }

    public static FsOptions defaults() {
        return new FsOptions(DEFAULT_EXTENT_BYTES, 0, false, 1024, 64, 1024);
    }

    public FsOptions withExtentBytes(int v) {
        return new FsOptions(v, maxSizeBytes, syncMode, inodeIdBlock, inlineDeleteExtents, reclaimBatchExtents);
    }

    public FsOptions withMaxSizeBytes(long v) {
        return new FsOptions(extentBytes, v, syncMode, inodeIdBlock, inlineDeleteExtents, reclaimBatchExtents);
    }

    public FsOptions withSyncMode(boolean v) {
        return new FsOptions(extentBytes, maxSizeBytes, v, inodeIdBlock, inlineDeleteExtents, reclaimBatchExtents);
    }

    public FsOptions withInodeIdBlock(int v) {
        return new FsOptions(extentBytes, maxSizeBytes, syncMode, v, inlineDeleteExtents, reclaimBatchExtents);
    }

    public FsOptions withInlineDeleteExtents(int v) {
        return new FsOptions(extentBytes, maxSizeBytes, syncMode, inodeIdBlock, v, reclaimBatchExtents);
    }

    public FsOptions withReclaimBatchExtents(int v) {
        return new FsOptions(extentBytes, maxSizeBytes, syncMode, inodeIdBlock, inlineDeleteExtents, v);
    }
}
