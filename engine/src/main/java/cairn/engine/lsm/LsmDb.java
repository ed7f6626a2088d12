package cairn.engine.lsm;

import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.gc.GarbageCollector;
import cairn.engine.lsm.gc.ReaderLease;
import cairn.engine.lsm.manifest.Checkpoint;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.manifest.StoredManifest;
import cairn.engine.lsm.memtable.Memtable;
import cairn.engine.lsm.sst.SstOptions;
import cairn.engine.lsm.segment.Segment;
import cairn.engine.lsm.segment.SegmentDelta;
import cairn.engine.lsm.segment.SegmentNames;
import cairn.engine.lsm.value.ValueStore;
import cairn.engine.lsm.wal.WalWriter;
import cairn.engine.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The LSM database over an {@link ObjectStore}: a fenced writer ({@link #openWriter}), a tailing reader
 * ({@link #openReader}, {@link #promote}) or a frozen view of a checkpoint ({@link #openCheckpoint}).
 *
 * <p>Reads take the visible seq first and the {@link DbState} second, so every version at or below the seq is
 * reachable from the state they see. Writes are serialized by one lock: seq, WAL append, memtable insert, then
 * the seq is published.
 */
public final class LsmDb implements Db {

    /** How far a reader trails the bucket: WAL objects it has not applied, and for how long it has trailed. */
    public record Lag(long walObjectsBehind, long msBehind) {}

    private enum Role { WRITER, READER, CHECKPOINT }

    private final Shared shared;
    private final Role role;
    private final long epoch;
    private volatile DbState state;
    private volatile long visibleSeq;
    private volatile boolean closed;

    // writer
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Condition frozenChanged = writeLock.newCondition();
    private final WalWriter wal;
    private long nextSeq;
    /** The WAL id the active memtable's data starts after (its predecessor's coverage). */
    private long memtableStartWalId;
    private boolean stopping;
    private Thread memtableFlusher;
    private Thread gcThread;
    private final GarbageCollector gc;
    /** Serializes this writer's table commits (flush, compaction) so the published state follows the manifest. */
    private final ReentrantLock tablesCommitLock = new ReentrantLock();
    private final SnapshotSeqs snapshots = new SnapshotSeqs();
    private WriterCompaction compaction;
    /** Segment records of the latest manifest this writer committed (or opened with). */
    private volatile List<Segment> segments;

    // reader
    private final WalTailer tailer;
    private final ReentrantLock pollLock = new ReentrantLock();
    private final Condition pollWake = pollLock.newCondition();
    private Thread poller;
    private volatile long caughtUpAtMs = System.currentTimeMillis();
    private final String readerId = UUID.randomUUID().toString();
    private long leaseWrittenAtMs;

    /** Everything a database needs from the bucket, shared by a reader and the writer it is promoted to. */
    private record Shared(ObjectStore store, LsmOptions options, ManifestStore manifests, ValueStore values,
                          BlockTableFormat tables, Set<String> sstsInFlight, LsmMetrics metrics, AtomicReference<LsmDb> live) {
        static Shared of(ObjectStore store, LsmOptions options) {
            var values = new ValueStore(store, options.retry(), SegmentNames::key, options.valueCacheBytesMax(), options.diskRanges());
            var tables = new BlockTableFormat(store, SstOptions.defaults(), options.retry(), options.tableCacheBytesMax(), options.diskRanges());
            var live = new AtomicReference<LsmDb>();
            var metrics = new LsmMetrics(options.metrics(), () -> {
                LsmDb db = live.get();
                return db == null ? 0 : db.memtableBytes();
            }, () -> {
                LsmDb db = live.get();
                return db == null || db.segments == null ? List.of() : db.segments;
            });
            metrics.bindBlockCache(tables);
            metrics.bindValueCache(values);
            if (options.diskCache() != null) metrics.bindDiskCache(options.diskCache());
            return new Shared(store, options, new ManifestStore(store, options.retry()), values, tables,
                    ConcurrentHashMap.newKeySet(), metrics, live);
        }
    }

    private LsmDb(Shared shared, Role role, long epoch, WalTailer tailer, WalWriter wal) {
        this.shared = shared;
        this.role = role;
        this.epoch = epoch;
        this.tailer = tailer;
        this.wal = wal;
        StoredManifest m = tailer.manifest();
        this.state = new DbState(tailer.memtable(), List.of(), m == null ? List.of() : m.manifest().l0(), m == null ? List.of() : m.manifest().runs());
        this.visibleSeq = tailer.maxSeq();
        this.nextSeq = tailer.maxSeq() + 1;
        this.memtableStartWalId = m == null ? 0 : m.manifest().replayAfterWalId();
        this.segments = m == null ? List.of() : m.manifest().segments();
        this.gc = role == Role.WRITER ? new GarbageCollector(shared.store(), shared.manifests(), shared.options(), epoch, shared.sstsInFlight()) : null;
        if (role != Role.CHECKPOINT) shared.live().set(this);
    }

    // ---------------------------------------------------------------- opening

    /** Opens the database as its writer at {@code epoch}: fences every older writer, replays, then serves. */
    public static LsmDb openWriter(ObjectStore store, LsmOptions options, long epoch) {
        Shared shared = Shared.of(store, options);
        return startWriter(shared, new WalTailer(store, options.retry(), shared.values()), epoch, 0);
    }

    /** Opens a read-only view that polls the manifest and tails the WAL every {@code pollIntervalMs}. */
    public static LsmDb openReader(ObjectStore store, LsmOptions options) {
        Shared shared = Shared.of(store, options);
        LsmDb db = new LsmDb(shared, Role.READER, 0, new WalTailer(store, options.retry(), shared.values()), null);
        db.pollOnce();
        db.poller = Thread.ofVirtual().name("cairn-reader-poller").start(db::pollLoop);
        return db;
    }

    /** Opens a frozen, read-only view of checkpoint {@code checkpointId}. */
    public static LsmDb openCheckpoint(ObjectStore store, LsmOptions options, long checkpointId) {
        Shared shared = Shared.of(store, options);
        Checkpoint cp = listCheckpoints(shared.manifests()).stream().filter(c -> c.id() == checkpointId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no checkpoint " + checkpointId));
        StoredManifest pinned = shared.manifests().read(cp.manifestId())
                .orElseThrow(() -> new IllegalStateException("manifest " + cp.manifestId() + " of checkpoint " + checkpointId + " is gone"));
        WalTailer t = new WalTailer(store, options.retry(), shared.values());
        t.applyManifest(pinned);
        t.applyWal(pinned.manifest().walIdLastSeen(), true, () -> {});
        return new LsmDb(shared, Role.CHECKPOINT, pinned.manifest().epoch(), t, null);
    }

    /**
     * Turns this reader into the writer at {@code epoch}: runs the fencing sequence and replays only the WAL
     * objects this reader has not applied yet. This reader is closed; use the returned database.
     */
    public LsmDb promote(long newEpoch) {
        if (role != Role.READER) throw new IllegalStateException("only a reader can be promoted");
        stopPoller();
        pollLock.lock();
        try {
            closed = true;
            removeLease();
            return startWriter(shared, tailer, newEpoch, tailer.appliedWalId());
        } finally {
            pollLock.unlock();
        }
    }

    private static LsmDb startWriter(Shared shared, WalTailer tailer, long epoch, long knownWalId) {
        var f = WriterFencing.fence(shared.store(), shared.manifests(), shared.options().retry(), epoch, knownWalId);
        tailer.applyManifest(f.manifest());
        tailer.applyWal(f.fenceWalId() - 1, true, () -> {});
        var wal = new WalWriter(shared.store(), shared.options(), epoch, f.fenceWalId(), shared.values(), shared.metrics());
        LsmDb db = new LsmDb(shared, Role.WRITER, epoch, tailer, wal);
        if (shared.options().compaction() != null) {
            db.compaction = new WriterCompaction(shared.store(), shared.tables(), shared.values(), shared.options(), epoch,
                    shared.sstsInFlight(), shared.metrics(), db.compactionWriter());
            db.compaction.trigger(); // L0s left by an earlier writer may be waiting
        }
        db.memtableFlusher = Thread.ofVirtual().name("cairn-memtable-flusher-e" + epoch).start(db::flushLoop);
        if (shared.options().gcIntervalMs() > 0) db.gcThread = Thread.ofVirtual().name("cairn-gc-e" + epoch).start(db::gcLoop);
        return db;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<byte[]> get(byte[] key) {
        return currentView().get(key);
    }

    @Override
    public KvIterator scan(byte[] fromInclusive, byte[] toExclusive) {
        return currentView().scan(fromInclusive, toExclusive);
    }

    /** Like {@link #scan}, but POINTER (large) values are not fetched: their values come back empty. */
    @Override
    public KvIterator scanKeys(byte[] fromInclusive, byte[] toExclusive) {
        return currentView().scanKeys(fromInclusive, toExclusive);
    }

    @Override
    public Snapshot snapshot() {
        long seq = visibleSeq; // seq first, state second: see the class comment
        StateReader view = new StateReader(state, seq, shared.tables(), shared.values());
        snapshots.open(seq);
        AtomicBoolean open = new AtomicBoolean(true);
        return new Snapshot() {
            @Override
            public Optional<byte[]> get(byte[] key) {
                return view.get(key);
            }

            @Override
            public KvIterator scan(byte[] fromInclusive, byte[] toExclusive) {
                return view.scan(fromInclusive, toExclusive);
            }

            @Override
            public KvIterator scanKeys(byte[] fromInclusive, byte[] toExclusive) {
                return view.scanKeys(fromInclusive, toExclusive);
            }

            @Override
            public void close() {
                if (open.compareAndSet(true, false)) snapshots.close(seq);
            }
        };
    }

    private StateReader currentView() {
        long seq = visibleSeq; // seq first, state second: see the class comment
        return new StateReader(state, seq, shared.tables(), shared.values());
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(byte[] key, byte[] value) {
        write(new WriteBatch().put(key, value));
    }

    @Override
    public void delete(byte[] key) {
        write(new WriteBatch().delete(key));
    }

    @Override
    public void write(WriteBatch batch) {
        requireWriter();
        if (batch.isEmpty()) return;
        writeLock.lock();
        try {
            if (closed) throw new IllegalStateException("database is closed");
            long seq = nextSeq;
            List<Entry> entries = wal.append(seq, batch);
            nextSeq++;
            Memtable active = state.active();
            for (Entry e : entries) active.add(e);
            visibleSeq = seq;
            if (active.sizeBytes() >= shared.options().memtableBytesMax()
                    || wal.durableId() - memtableStartWalId >= shared.options().walObjectsPerMemtableMax()) {
                switchMemtable();
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void barrier() {
        requireWriter();
        wal.barrier();
    }

    /** Freezes the active memtable and waits until it is an L0 SST in a committed manifest. */
    public void flushMemtable() {
        requireWriter();
        writeLock.lock();
        try {
            if (state.active().isEmpty()) return;
            switchMemtable();
            while (!state.frozen().isEmpty()) {
                throwIfFailed();
                frozenChanged.awaitUninterruptibly();
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void switchMemtable() {
        while (state.frozen().size() >= shared.options().immutableMemtablesMax()) {
            throwIfFailed();
            frozenChanged.awaitUninterruptibly();
        }
        long covered = wal.sealForMemtableSwitch();
        state = state.withNewActive(new Memtable(), covered);
        memtableStartWalId = covered;
        frozenChanged.signalAll();
    }

    private void flushLoop() {
        while (true) {
            DbState.Frozen oldest;
            writeLock.lock();
            try {
                while (!stopping && state.frozen().isEmpty() && wal.failure() == null) frozenChanged.awaitUninterruptibly();
                if (stopping || wal.failure() != null) return;
                oldest = state.frozen().get(state.frozen().size() - 1);
            } finally {
                writeLock.unlock();
            }
            try {
                flushOne(oldest);
            } catch (Throwable t) {
                wal.fail(t instanceof RuntimeException e ? e : new IllegalStateException("memtable flusher died", t));
                writeLock.lock();
                try {
                    frozenChanged.signalAll();
                } finally {
                    writeLock.unlock();
                }
                return;
            }
        }
    }

    /** Writes a frozen memtable as L0, waits until the WAL it covers is durable, commits the manifest. */
    private void flushOne(DbState.Frozen f) {
        Memtable mem = f.memtable();
        SstHandle sst = null;
        if (!mem.isEmpty()) {
            sst = shared.tables().write(mem.iterator(), epoch);
            shared.sstsInFlight().add(sst.objectKey());
        }
        try {
            wal.awaitDurable(f.coveredWalId());
            final SstHandle written = sst;
            SegmentDelta pointers = SegmentDelta.ofFlushed(mem.iterator());
            tablesCommitLock.lock();
            try {
                StoredManifest m = shared.manifests().update(epoch, (id, base) ->
                        base.withFlushedL0(written, f.coveredWalId(), mem.maxSeq(), pointers).withWalIdLastSeen(wal.durableId()));
                segments = m.manifest().segments();
                writeLock.lock();
                try {
                    state = state.withoutFrozen(f, m.manifest().l0(), m.manifest().runs());
                    frozenChanged.signalAll();
                } finally {
                    writeLock.unlock();
                }
            } finally {
                tablesCommitLock.unlock();
            }
        } finally {
            if (sst != null) shared.sstsInFlight().remove(sst.objectKey());
        }
        if (compaction != null) compaction.trigger();
    }

    /** How compaction sees this writer. */
    private WriterCompaction.Writer compactionWriter() {
        return new WriterCompaction.Writer() {
            @Override
            public DbState state() {
                return state;
            }

            @Override
            public long minRetainedSeq() {
                return snapshots.oldest(visibleSeq);
            }

            @Override
            public boolean accepting() {
                return !closed && wal.failure() == null;
            }

            @Override
            public List<Segment> segments() {
                return segments;
            }

            @Override
            public StoredManifest commitTables(ManifestStore.Change change) {
                tablesCommitLock.lock();
                try {
                    StoredManifest m = shared.manifests().update(epoch, change);
                    segments = m.manifest().segments();
                    writeLock.lock();
                    try {
                        state = state.withTables(m.manifest().l0(), m.manifest().runs());
                    } finally {
                        writeLock.unlock();
                    }
                    return m;
                } finally {
                    tablesCommitLock.unlock();
                }
            }

            @Override
            public void failed(RuntimeException error) {
                wal.fail(error);
            }
        };
    }

    /**
     * Runs compaction until the planner has nothing left to do (the writer also compacts in the background);
     * returns the number of jobs this writer committed. Throws the failure of a job that failed meanwhile.
     */
    public long compactNow() {
        requireWriter();
        if (compaction == null) return 0;
        return compaction.compactNow(TimeUnit.MINUTES.toMillis(5));
    }

    /** Bytes held by the active and frozen memtables. */
    long memtableBytes() {
        DbState s = state;
        long bytes = s.active().sizeBytes();
        for (DbState.Frozen f : s.frozen()) bytes += f.memtable().sizeBytes();
        return bytes;
    }

    // ---------------------------------------------------------------- checkpoints and GC

    /** Makes everything written so far durable and pins it as a checkpoint; returns it. */
    public Checkpoint createCheckpoint(String name, long ttlMs) {
        requireWriter();
        barrier();
        long durable = wal.durableId();
        Checkpoint[] made = new Checkpoint[1];
        shared.manifests().update(epoch, (id, base) -> {
            var cp = new Checkpoint(base.nextCheckpointId(), id, ttlMs <= 0 ? 0 : System.currentTimeMillis() + ttlMs, name);
            made[0] = cp;
            List<Checkpoint> cps = new ArrayList<>(base.checkpoints());
            cps.add(cp);
            return base.withWalIdLastSeen(durable).withCheckpoints(cps, base.nextCheckpointId() + 1);
        });
        return made[0];
    }

    public void deleteCheckpoint(long checkpointId) {
        requireWriter();
        shared.manifests().update(epoch, (id, base) -> {
            List<Checkpoint> cps = new ArrayList<>(base.checkpoints());
            cps.removeIf(c -> c.id() == checkpointId);
            return base.withCheckpoints(cps, base.nextCheckpointId());
        });
    }

    public List<Checkpoint> checkpoints() {
        return listCheckpoints(shared.manifests());
    }

    private static List<Checkpoint> listCheckpoints(ManifestStore manifests) {
        return manifests.readLatest().map(m -> m.manifest().checkpoints()).orElse(List.of());
    }

    /** Runs one GC pass now (the writer also runs it every {@code gcIntervalMs}). */
    public GarbageCollector.Report runGc() {
        requireWriter();
        return countDeleted(gc.run(System.currentTimeMillis()));
    }

    private GarbageCollector.Report countDeleted(GarbageCollector.Report r) {
        shared.metrics().gcDeleted(r.total());
        return r;
    }

    private void gcLoop() {
        while (!awaitStop(shared.options().gcIntervalMs())) {
            if (compaction != null) compaction.trigger(); // the compaction timer
            try {
                countDeleted(gc.run(System.currentTimeMillis()));
            } catch (FencedException e) {
                wal.fail(e);
                return;
            } catch (RuntimeException e) {
                // GC is best effort; the next pass retries. Nothing it skipped can break correctness.
            }
        }
    }

    private boolean awaitStop(long ms) {
        writeLock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(ms);
            while (!stopping && left > 0) left = frozenChanged.awaitNanos(left);
            return stopping;
        } catch (InterruptedException e) {
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- reader

    /** One poll: adopt a newer manifest, then apply every new WAL object (each published whole). */
    void pollOnce() {
        pollLock.lock();
        try {
            var latest = shared.manifests().readLatest();
            if (latest.isPresent() && (tailer.manifest() == null || latest.get().id() > tailer.manifest().id())) {
                tailer.applyManifest(latest.get());
                publishTailer();
            }
            if (tailer.manifest() == null) return; // nothing written yet: the WAL starts after the first manifest
            tailer.applyWal(Long.MAX_VALUE, false, this::publishTailer);
            caughtUpAtMs = System.currentTimeMillis();
            renewLease();
        } finally {
            pollLock.unlock();
        }
    }

    private void publishTailer() {
        var m = tailer.manifest().manifest();
        state = new DbState(tailer.memtable(), List.of(), m.l0(), m.runs());
        segments = m.segments();
        visibleSeq = tailer.maxSeq();
    }

    private void renewLease() {
        long now = System.currentTimeMillis();
        if (tailer.manifest() == null || now - leaseWrittenAtMs < shared.options().leaseTtlMs() / 3) return;
        new ReaderLease(readerId, tailer.manifest().id(), now + shared.options().leaseTtlMs()).write(shared.store(), shared.options().retry());
        leaseWrittenAtMs = now;
    }

    private void removeLease() {
        if (leaseWrittenAtMs != 0) new ReaderLease(readerId, 0, 0).delete(shared.store(), shared.options().retry());
    }

    private void pollLoop() {
        while (true) {
            pollLock.lock();
            try {
                long left = TimeUnit.MILLISECONDS.toNanos(shared.options().pollIntervalMs());
                while (!closed && left > 0) left = pollWake.awaitNanos(left);
                if (closed) return;
            } catch (InterruptedException e) {
                return;
            } finally {
                pollLock.unlock();
            }
            try {
                pollOnce();
            } catch (RuntimeException e) {
                // a failed poll leaves the view where it was; the next poll retries
            }
        }
    }

    private void stopPoller() {
        pollLock.lock();
        try {
            closed = true;
            pollWake.signalAll();
        } finally {
            pollLock.unlock();
        }
        join(poller);
    }

    /** How far this reader trails the bucket (zero for a writer). */
    public Lag lagBehindWriter() {
        if (role != Role.READER) return new Lag(0, 0);
        long applied = tailer.appliedWalId();
        long frontier = WriterFencing.frontier(shared.store(), shared.options().retry(), applied);
        long behind = frontier - applied;
        return new Lag(behind, behind == 0 ? 0 : System.currentTimeMillis() - caughtUpAtMs);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public long epoch() {
        return role == Role.WRITER ? epoch : tailer.epochSeen();
    }

    @Override
    public boolean readOnly() {
        return role != Role.WRITER;
    }

    /** Bytes this writer PUT to the WAL (write-amplification accounting). */
    public long walBytesWritten() {
        requireWriter();
        return wal.bytesWritten();
    }

    @Override
    public void close() {
        // the memtable gauge stops reading this database; the last opening of these caches takes their meters along
        if (shared.live().compareAndSet(this, null)) shared.metrics().unbindCaches();
        if (role == Role.READER) {
            if (!closed) {
                stopPoller();
                removeLease();
            }
            return;
        }
        if (role != Role.WRITER || closed) {
            closed = true;
            return;
        }
        writeLock.lock();
        try {
            closed = true;
            stopping = true;
            frozenChanged.signalAll();
        } finally {
            writeLock.unlock();
        }
        join(memtableFlusher);
        if (compaction != null) compaction.close();
        join(gcThread);
        wal.close();
    }

    private void requireWriter() {
        if (role != Role.WRITER) throw new ReadOnlyException("database is open read-only");
    }

    private void throwIfFailed() {
        RuntimeException f = wal.failure();
        if (f != null) throw f;
    }

    private static void join(Thread t) {
        if (t == null) return;
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
