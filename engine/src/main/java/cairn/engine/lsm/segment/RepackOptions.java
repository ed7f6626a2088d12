package cairn.engine.lsm.segment;

/**
 * When and how much the writer repacks sparse segments.
 *
 * @param liveRatioMin         a segment whose live bytes fell below this fraction of its value bytes is a candidate
 * @param reclaimBytesMin      candidates are repacked only when they free at least this many bytes (and at least as
 *                             many as the SST bytes the full merge rewrites)
 * @param copyBytesMax         live bytes one repack copies at most (the sparsest candidates first)
 * @param segmentBytesMax      a repacked segment object is cut at about this size
 * @param sizeAmplificationMax a full merge also runs (while segments exist) when the SST bytes above the oldest run
 *                             reach this multiple of the oldest run's bytes: until a merge drops them, versions
 *                             shadowed by newer runs keep their segments live (the universal-compaction rule)
 */
public record RepackOptions(double liveRatioMin, long reclaimBytesMin, long copyBytesMax, long segmentBytesMax,
                            double sizeAmplificationMax) {
    public RepackOptions {
        if (!(liveRatioMin > 0 && liveRatioMin <= 1)) throw new IllegalArgumentException("liveRatioMin " + liveRatioMin);
        if (reclaimBytesMin < 1 || copyBytesMax < 1 || segmentBytesMax < 1) throw new IllegalArgumentException("repack byte bounds must be positive");
        if (!(sizeAmplificationMax > 0)) throw new IllegalArgumentException("sizeAmplificationMax " + sizeAmplificationMax);
    }

    public static RepackOptions defaults() {
        return new RepackOptions(0.5, 64L << 20, 512L << 20, 64L << 20, 1.0);
    }
}
