package cairn.engine.lsm.manifest;

import cairn.engine.lsm.segment.Segment;
import cairn.engine.lsm.segment.SegmentDelta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One version of the database's durable state (the payload of {@code manifest/<id>}).
 *
 * @param epoch            writer epoch that wrote it; only that writer may write the next version
 * @param replayAfterWalId every WAL object at or below this id is covered by L0/sorted runs
 * @param walIdLastSeen    highest WAL id durable when this version was written (checkpoints replay up to it)
 * @param lastL0Seq        highest seq covered by L0/sorted runs; replay skips batches at or below it
 * @param writtenAtMs      wall-clock time of the write (for operators; GC uses its own observations)
 * @param l0               L0 SSTs, newest first
 * @param runs             sorted runs, newest first
 * @param checkpoints      live checkpoints
 * @param segments         segments (WAL objects, repacked segments) that SSTs of this version point into, with
 *                         their live bytes, ascending by id (never GC'd while listed)
 * @param nextCheckpointId id for the next checkpoint
 */
public record Manifest(long epoch, long replayAfterWalId, long walIdLastSeen, long lastL0Seq, long writtenAtMs,
                       List<SstHandle> l0, List<SortedRun> runs, List<Checkpoint> checkpoints, List<Segment> segments,
                       long nextCheckpointId) {

    public Manifest {
        l0 = List.copyOf(l0);
        runs = List.copyOf(runs);
        checkpoints = List.copyOf(checkpoints);
        segments = List.copyOf(segments);
    }

    public static Manifest empty() {
        return new Manifest(0, 0, 0, 0, 0, List.of(), List.of(), List.of(), List.of(), 1);
    }

    public Manifest withEpoch(long e) {
        return new Manifest(e, replayAfterWalId, walIdLastSeen, lastL0Seq, writtenAtMs, l0, runs, checkpoints, segments, nextCheckpointId);
    }

    public Manifest withWalIdLastSeen(long id) {
        return new Manifest(epoch, replayAfterWalId, Math.max(walIdLastSeen, id), lastL0Seq, writtenAtMs, l0, runs, checkpoints, segments, nextCheckpointId);
    }

    public Manifest withWrittenAtMs(long ms) {
        return new Manifest(epoch, replayAfterWalId, walIdLastSeen, lastL0Seq, ms, l0, runs, checkpoints, segments, nextCheckpointId);
    }

    /**
     * Adds a freshly flushed L0 (newest) covering WAL up to {@code coveredWalId} and seqs up to {@code maxSeq};
     * {@code pointers} counts the pointers it holds.
     */
    public Manifest withFlushedL0(SstHandle sst, long coveredWalId, long maxSeq, SegmentDelta pointers) {
        List<SstHandle> nl0 = new ArrayList<>(l0.size() + 1);
        if (sst != null) nl0.add(sst);
        nl0.addAll(l0);
        return new Manifest(epoch, Math.max(replayAfterWalId, coveredWalId), Math.max(walIdLastSeen, coveredWalId),
                Math.max(lastL0Seq, maxSeq), writtenAtMs, nl0, runs, checkpoints, pointers.applyTo(segments), nextCheckpointId);
    }

    /** The same version with the segment records changed by {@code delta}. */
    public Manifest withSegments(SegmentDelta delta) {
        return new Manifest(epoch, replayAfterWalId, walIdLastSeen, lastL0Seq, writtenAtMs, l0, runs, checkpoints, delta.applyTo(segments), nextCheckpointId);
    }

    /** Ids of the segments this version lists. */
    public Set<Long> segmentIds() {
        Set<Long> ids = new HashSet<>();
        for (Segment s : segments) ids.add(s.id());
        return ids;
    }

    /** The same version with its SST layout replaced (a committed compaction). */
    public Manifest withTables(List<SstHandle> newL0, List<SortedRun> newRuns) {
        return new Manifest(epoch, replayAfterWalId, walIdLastSeen, lastL0Seq, writtenAtMs, newL0, newRuns, checkpoints, segments, nextCheckpointId);
    }

    public Manifest withCheckpoints(List<Checkpoint> cps, long nextId) {
        return new Manifest(epoch, replayAfterWalId, walIdLastSeen, lastL0Seq, writtenAtMs, l0, runs, cps, segments, nextId);
    }

    /** Every SST this version reaches. */
    public List<SstHandle> allSsts() {
        List<SstHandle> all = new ArrayList<>(l0);
        for (SortedRun r : runs) all.addAll(r.ssts());
        return all;
    }
}
