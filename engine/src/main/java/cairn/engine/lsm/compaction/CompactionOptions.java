package cairn.engine.lsm.compaction;

/**
 * Size-tiered compaction settings. {@code l0Trigger}: L0 count that starts an L0 job (which takes at most
 * {@code l0PerJobMax}, oldest first). Runs are merged {@code runsPerJobMin..runsPerJobMax} adjacent runs at a time
 * when their sizes are within {@code sizeRatioMax} of each other; above {@code runsMax} runs the cheapest window of
 * {@code runsPerJobMin} runs is merged regardless of size. Output SSTs are cut near {@code sstTargetBytes}, at key
 * boundaries only.
 */
public record CompactionOptions(int l0Trigger, int l0PerJobMax, int runsPerJobMin, int runsPerJobMax,
                                double sizeRatioMax, int runsMax, long sstTargetBytes, boolean trivialMoves) {
    public CompactionOptions {
        if (l0Trigger < 1 || l0PerJobMax < 1) throw new IllegalArgumentException("L0 limits must be >= 1");
        if (runsPerJobMin < 2 || runsPerJobMax < runsPerJobMin) throw new IllegalArgumentException("runs per job " + runsPerJobMin + ".." + runsPerJobMax);
        if (sizeRatioMax < 1) throw new IllegalArgumentException("sizeRatioMax " + sizeRatioMax);
        if (runsMax < runsPerJobMin) throw new IllegalArgumentException("runsMax " + runsMax);
        if (sstTargetBytes < 4096) throw new IllegalArgumentException("sstTargetBytes " + sstTargetBytes);
    }

    public static CompactionOptions defaults() {
        return new CompactionOptions(4, 16, 4, 8, 4.0, 12, 64L << 20, true);
    }
}
