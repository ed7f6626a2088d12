package cairn.engine.lsm;

import cairn.engine.lsm.compaction.CompactionExecutor;
import cairn.engine.lsm.compaction.CompactionJob;
import cairn.engine.lsm.compaction.CompactionPlanner;
import cairn.engine.lsm.compaction.CompactionResult;
import cairn.engine.lsm.compaction.CompactionScheduler;
import cairn.engine.lsm.compaction.LsmShape;
import cairn.engine.lsm.compaction.PointerDropListener;
import cairn.engine.lsm.compaction.PointerRewriter;
import cairn.engine.lsm.segment.RepackOptions;
import cairn.engine.lsm.segment.RepackPlanner;
import cairn.engine.lsm.segment.Segment;
import cairn.engine.lsm.segment.SegmentDelta;
import cairn.engine.lsm.segment.SegmentNames;
import cairn.engine.lsm.segment.SegmentRepacker;
import cairn.engine.lsm.value.ValuePointer;
import cairn.engine.lsm.value.ValueStore;
import cairn.engine.store.ConditionalPut;
import cairn.engine.lsm.manifest.Manifest;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.manifest.StoredManifest;
import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import cairn.engine.lsm.sst.SstWriter;
import cairn.engine.store.ForwardingStore;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Background size-tiered compaction of one writer: plans against the writer's current tables, runs one job at
 * a time, and commits each result into the next manifest through the writer's fenced manifest commit. SSTs a
 * job uploads are registered in flight (GC never deletes them) from their PUT until the job is committed or
 * abandoned; after a commit the obsolete inputs' readers and cached blocks are evicted. Each commit also carries
 * the job's segment accounting: pointers it dropped, and (for a repack job) values it moved into repacked
 * segments, which are registered in flight like SSTs.
 */
final class WriterCompaction implements CompactionScheduler.Host, AutoCloseable {

    /** What compaction needs from its writer. */
    interface Writer {
        DbState state();

        /** The oldest seq an open snapshot (or the latest read) may read at. */
        long minRetainedSeq();

        /** False once the writer is closing or failed: results are then abandoned, not committed. */
        boolean accepting();

        /** The segment records of the latest manifest this writer committed or opened with. */
        List<Segment> segments();

        /** Commits {@code change} as the next manifest (fenced) and publishes its tables. */
        StoredManifest commitTables(ManifestStore.Change change);

        void failed(RuntimeException error);
    }

    private final BlockTableFormat tables;
    private final Writer writer;
    private final Set<String> sstsInFlight;
    private final Set<String> jobOutputs = ConcurrentHashMap.newKeySet();
    private final CompactionScheduler scheduler;
    private final LsmMetrics metrics;
    private volatile RuntimeException lastFailure;
    private final RepackPlanner repackPlanner;
    private final RepackOptions repackOptions;
    private final ObjectStore registering;
    private final ValueStore values;
    private final LsmOptions options;
    private final long epoch;
    private final AtomicLong repackedSegmentsMade = new AtomicLong();
    // state of the running job (compaction thread only)
    private SegmentDelta jobSegments = new SegmentDelta();
    private CompactionJob plannedRepack;
    private Set<Long> repackCandidates = Set.of();
    private SegmentRepacker repacker;

    WriterCompaction(ObjectStore store, BlockTableFormat tables, ValueStore values, LsmOptions options, long epoch,
                     Set<String> sstsInFlight, LsmMetrics metrics, Writer writer) {
        this.tables = tables;
        this.writer = writer;
        this.sstsInFlight = sstsInFlight;
        this.metrics = metrics;
        this.values = values;
        this.options = options;
        this.epoch = epoch;
        this.repackOptions = options.repack();
        this.repackPlanner = options.repack() == null ? null : new RepackPlanner(options.repack());
        this.registering = new ForwardingStore(store) {
            @Override
            public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
                register(key);
                return inner.put(key, data, metadata);
            }

            @Override
            public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
                register(key);
                return inner.putIfAbsent(key, data, metadata);
            }
        };
        var executor = new CompactionExecutor(tables.readers(),
                new SstWriter(registering, tables.sstOptions(), epoch, options.retry()), registering,
                options.compaction().sstTargetBytes());
        this.scheduler = new CompactionScheduler(new CompactionPlanner(options.compaction()), executor, this);
    }

    /** Queues a compaction pass (cheap; coalesces with a queued one). */
    void trigger() {
        scheduler.trigger();
    }

    /** Runs passes until the planner has nothing to do; returns the jobs committed so far in total. */
    long compactNow(long timeoutMs) {
        scheduler.trigger();
        try {
            if (!scheduler.awaitIdle(timeoutMs)) throw new IllegalStateException("compaction still running after " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for compaction", e);
        }
        RuntimeException f = lastFailure;
        lastFailure = null;
        if (f != null) throw f;
        return scheduler.jobsCommitted();
    }

    @Override
    public LsmShape shape() {
        DbState s = writer.state();
        return shapeOf(s.l0(), s.runs());
    }

    @Override
    public long minRetainedSeq() {
        return writer.minRetainedSeq();
    }

    /** Every pointer the job drops lowers its segment's live bytes when (and only if) the result is committed. */
    @Override
    public PointerDropListener pointerListener(CompactionJob job) {
        SegmentDelta delta = new SegmentDelta();
        jobSegments = delta;
        return v -> delta.dropped(ValuePointer.decode("dropped pointer", v));
    }

    /**
     * A full merge of every L0 and run when the repack planner asks for one (sparse segments worth copying, or newer
     * runs large enough to shadow much of the oldest): the merge sees every pointer into the candidates (new L0s
     * flushed meanwhile cannot point into flushed segments), so after its commit they have no live bytes left and
     * leave the manifest; shadowed pointers it drops empty further segments.
     */
    @Override
    public Optional<CompactionJob> repackJob(LsmShape shape) {
        plannedRepack = null;
        if (repackPlanner == null || !writer.accepting() || (shape.l0().isEmpty() && shape.runs().isEmpty())) return Optional.empty();
        long sstBytes = 0;
        for (SstInfo i : shape.l0()) sstBytes += i.sizeBytes();
        for (SortedRun r : shape.runs()) sstBytes += r.sizeBytes();
        long baseBytes = shape.runs().isEmpty() ? shape.l0().getLast().sizeBytes() : shape.runs().getLast().sizeBytes();
        Optional<Set<Long>> candidates = repackPlanner.plan(writer.segments(), sstBytes, baseBytes);
        if (candidates.isEmpty()) return Optional.empty();
        plannedRepack = new CompactionJob(shape.l0(), shape.runs(), shape.nextRunId(), true, false);
        repackCandidates = candidates.get();
        return Optional.of(plannedRepack);
    }

    @Override
    public PointerRewriter pointerRewriter(CompactionJob job) {
        if (job != plannedRepack) {
            repacker = null;
            return PointerRewriter.NONE;
        }
        repacker = new SegmentRepacker(registering, options.retry(), epoch,
                () -> SegmentNames.repackedId(epoch, repackedSegmentsMade.getAndIncrement()), repackCandidates, values,
                repackOptions.segmentBytesMax(), jobSegments);
        return repacker;
    }

    @Override
    public boolean commit(CompactionResult result) {
        SegmentDelta segments = jobSegments;
        try {
            if (!writer.accepting()) return false; // the outputs stay unreferenced; GC removes them after the grace
            writer.commitTables((id, base) -> withResult(base, result).withSegments(segments));
        } finally {
            release();
        }
        List<SstInfo> obsolete = result.obsolete();
        tables.readers().evict(obsolete);
        metrics.compacted(result.stats().bytesIn(), result.stats().bytesOut());
        if (repacker != null) metrics.repacked(repacker.bytesCopied());
        repacker = null;
        return true;
    }

    @Override
    public void failed(CompactionJob job, Throwable error) {
        repacker = null;
        release();
        RuntimeException e = error instanceof RuntimeException r ? r : new IllegalStateException("compaction failed", error);
        lastFailure = e;
        if (e instanceof FencedException) writer.failed(e); // a newer writer owns the database
    }

    private void register(String key) {
        jobOutputs.add(key);
        sstsInFlight.add(key);
    }

    private void release() {
        sstsInFlight.removeAll(jobOutputs);
        jobOutputs.clear();
    }

    @Override
    public void close() {
        scheduler.close();
    }

    /** {@code base} with the result applied (base may have gained L0s since the job was planned). */
    static Manifest withResult(Manifest base, CompactionResult result) {
        LsmShape next = result.applyTo(shapeOf(base.l0(), base.runs()));
        List<SstHandle> l0 = new ArrayList<>();
        for (SstInfo i : next.l0()) l0.add(BlockTableFormat.handle(i));
        List<cairn.engine.lsm.manifest.SortedRun> runs = new ArrayList<>();
        for (SortedRun r : next.runs()) {
            List<SstHandle> ssts = new ArrayList<>();
            for (SstInfo i : r.ssts()) ssts.add(BlockTableFormat.handle(i));
            runs.add(new cairn.engine.lsm.manifest.SortedRun(r.id(), ssts));
        }
        return base.withTables(l0, runs);
    }

    static LsmShape shapeOf(List<SstHandle> l0, List<cairn.engine.lsm.manifest.SortedRun> runs) {
        List<SstInfo> l0Infos = new ArrayList<>();
        for (SstHandle h : l0) l0Infos.add(BlockTableFormat.info(h));
        List<SortedRun> sstRuns = new ArrayList<>();
        for (var r : runs) {
            List<SstInfo> ssts = new ArrayList<>();
            for (SstHandle h : r.ssts()) ssts.add(BlockTableFormat.info(h));
            sstRuns.add(new SortedRun(r.id(), ssts));
        }
        return new LsmShape(l0Infos, sstRuns);
    }
}
