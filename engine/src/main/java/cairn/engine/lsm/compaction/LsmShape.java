package cairn.engine.lsm.compaction;

import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import java.util.List;

/** The SST layout compaction plans against: L0 SSTs newest first, then sorted runs newest first. */
public record LsmShape(List<SstInfo> l0, List<SortedRun> runs) {
    public LsmShape {
        l0 = List.copyOf(l0);
        runs = List.copyOf(runs);
    }

    public static LsmShape empty() {
        return new LsmShape(List.of(), List.of());
    }

    /** An id above every run id, for a run newer than all existing ones. */
    public long nextRunId() {
        long max = -1;
        for (SortedRun r : runs) max = Math.max(max, r.id());
        return max + 1;
    }
}
