package cairn.engine.lsm.compaction;

import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import java.util.List;

/**
 * One compaction: merge {@code l0} SSTs (the oldest L0s, newest first) or adjacent {@code runs} (newest first), or
 * every L0 and every run (a full merge, as a segment repack runs it), into one run with id {@code outputRunId}. {@code bottom}: no data older than the inputs exists outside them, so
 * tombstones may be dropped. {@code trivialMove}: the inputs' key ranges are disjoint, so the output run is
 * made of the input SSTs themselves and nothing is read or written.
 */
public record CompactionJob(List<SstInfo> l0, List<SortedRun> runs, long outputRunId, boolean bottom, boolean trivialMove) {
    public CompactionJob {
        l0 = List.copyOf(l0);
        runs = List.copyOf(runs);
        if (l0.isEmpty() && runs.isEmpty()) throw new IllegalArgumentException("a job merges L0s, runs, or both");
        if (trivialMove && !l0.isEmpty() && !runs.isEmpty()) throw new IllegalArgumentException("a full merge is never a trivial move");
    }

    public boolean isL0Job() {
        return !l0.isEmpty();
    }

    public long inputBytes() {
        long s = 0;
        for (SstInfo i : l0) s += i.sizeBytes();
        for (SortedRun r : runs) s += r.sizeBytes();
        return s;
    }
}
