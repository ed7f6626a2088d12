package cairn.engine.lsm;

import java.util.TreeMap;

/** The read seqs of open snapshots, so compaction keeps every version one of them may read. */
final class SnapshotSeqs {
    private final TreeMap<Long, Integer> open = new TreeMap<>();

    synchronized void open(long seq) {
        open.merge(seq, 1, Integer::sum);
    }

    synchronized void close(long seq) {
        open.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
    }

    /** The lowest open snapshot seq, or {@code ifNone} (at most {@code ifNone}). */
    synchronized long oldest(long ifNone) {
        return open.isEmpty() ? ifNone : Math.min(ifNone, open.firstKey());
    }
}
