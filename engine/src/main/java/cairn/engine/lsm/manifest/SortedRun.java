package cairn.engine.lsm.manifest;

import java.util.List;

/** A sorted run: SSTs with disjoint key ranges in ascending key order. */
public record SortedRun(long id, List<SstHandle> ssts) {
    public SortedRun {
        ssts = List.copyOf(ssts);
    }
}
