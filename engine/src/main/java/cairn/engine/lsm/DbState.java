package cairn.engine.lsm;

import cairn.engine.lsm.manifest.SortedRun;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.memtable.Memtable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a read consults, newest first: the active memtable, frozen memtables waiting for their L0 flush, L0 SSTs,
 * sorted runs. Immutable; replaced as a whole, so a read that took one state sees every version up to its seq.
 * A memtable leaves the state only in the same swap that adds its L0.
 */
record DbState(Memtable active, List<Frozen> frozen, List<SstHandle> l0, List<SortedRun> runs) {

    /** A memtable that no longer takes writes; it holds every write of WAL objects up to {@code coveredWalId}. */
    record Frozen(Memtable memtable, long coveredWalId) {}

    DbState {
        frozen = List.copyOf(frozen);
        l0 = List.copyOf(l0);
        runs = List.copyOf(runs);
    }

    DbState withNewActive(Memtable fresh, long coveredWalId) {
        List<Frozen> f = new ArrayList<>(frozen.size() + 1);
        f.add(new Frozen(active, coveredWalId));
        f.addAll(frozen);
        return new DbState(fresh, f, l0, runs);
    }

    DbState withTables(List<SstHandle> newL0, List<SortedRun> newRuns) {
        return new DbState(active, frozen, newL0, newRuns);
    }

    DbState withoutFrozen(Frozen done, List<SstHandle> newL0, List<SortedRun> newRuns) {
        List<Frozen> f = new ArrayList<>(frozen);
        f.remove(done);
        return new DbState(active, f, newL0, newRuns);
    }
}
