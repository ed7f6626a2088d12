package cairn.engine.lsm.compaction;

import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a finished job changes: remove the job's input L0s and runs, add {@code output} (absent when every entry
 * was dropped) in their place. {@code written} lists the new SST objects (empty for a trivial move); the inputs'
 * SST objects become garbage once the change is committed, except those reused by a trivial move.
 */
public record CompactionResult(CompactionJob job, Optional<SortedRun> output, List<SstInfo> written, Stats stats) {
    public CompactionResult {
        written = List.copyOf(written);
    }

    public record Stats(long entriesIn, long entriesOut, long versionsDropped, long tombstonesDropped,
                        long pointersDropped, long bytesIn, long bytesOut) {}

    /** Input SSTs that are no longer referenced once the result is committed. */
    public List<SstInfo> obsolete() {
        if (job.trivialMove()) return List.of();
        List<SstInfo> out = new ArrayList<>(job.l0());
        job.runs().forEach(r -> out.addAll(r.ssts()));
        return out;
    }

    /**
     * The shape after committing this result onto {@code current} (which may have gained newer L0s since the
     * job was planned). The output run takes the place of the newest input run, or for an L0 job the front.
     *
     * @throws IllegalStateException if an input is no longer in {@code current}
     */
    public LsmShape applyTo(LsmShape current) {
        Set<Object> l0Ids = new HashSet<>();
        job.l0().forEach(s -> l0Ids.add(s.id()));
        List<SstInfo> l0 = new ArrayList<>();
        for (SstInfo s : current.l0()) if (!l0Ids.remove(s.id())) l0.add(s);
        if (!l0Ids.isEmpty()) throw new IllegalStateException("L0 inputs vanished: " + l0Ids);

        Set<Long> runIds = new HashSet<>();
        job.runs().forEach(r -> runIds.add(r.id()));
        List<SortedRun> runs = new ArrayList<>();
        int insertAt = job.isL0Job() ? 0 : -1;
        for (SortedRun r : current.runs()) {
            if (runIds.remove(r.id())) {
                if (insertAt < 0) insertAt = runs.size();
            } else {
                runs.add(r);
            }
        }
        if (!runIds.isEmpty()) throw new IllegalStateException("input runs vanished: " + runIds);
        if (output.isPresent()) runs.add(insertAt, output.get());
        return new LsmShape(l0, runs);
    }
}
