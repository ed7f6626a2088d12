package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.s;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.wal.WalNames;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Takeover races: racing openers, in-flight WAL PUTs of the deposed writer, a zombie paused past GC. Runs against
 * {@link MemoryStore} here and against s3proxy in {@link S3ProxyWriterFencingTest}.
 */
class WriterFencingTest {

    /** A fresh, empty bucket. */
    ObjectStore newBucket() {
        return new MemoryStore();
    }

    /** Rounds of the racing-writers test. */
    /** Options for every writer here; over a real S3 server retries get more time (the machine may be loaded). */
    LsmOptions options() {
        return TestOptions.small();
    }

    int racingRounds() {
        return 5;
    }

    /** Barriers each racing writer attempts. */
    int racingBarriers() {
        return 60;
    }

    /** One acknowledged barrier: writer {@code epoch} made value {@code i} of its key durable at {@code atNs}. */
    record Ack(long epoch, int i, long atNs) {}

    /** What a writer saw right after it opened, and when its open started. */
    record Opened(long epoch, long startNs, Map<Long, Integer> view) {}

    static int valueOf(LsmDb db, long epoch) {
        return db.get(b("w" + epoch)).map(v -> Integer.parseInt(s(v))).orElse(-1);
    }

    @Test
    void racingWritersLoseNoAcknowledgedWrite() throws Exception {
        for (int round = 0; round < racingRounds(); round++) {
            ObjectStore bucket = newBucket();
            List<Ack> acks = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Opened> opens = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (long e = 1; e <= 3; e++) {
                    final long epoch = e;
                    fs.add(pool.submit(() -> {
                        start.await();
                        long t0 = System.nanoTime();
                        LsmDb db;
                        try {
                            db = LsmDb.openWriter(TestStores.faulty(bucket, epoch, 0.05), options(), epoch);
                        } catch (FencedException fenced) {
                            return null;
                        }
                        Map<Long, Integer> view = new ConcurrentHashMap<>();
                        for (long o = 1; o <= 3; o++) view.put(o, valueOf(db, o));
                        opens.add(new Opened(epoch, t0, view));
                        try {
                            for (int i = 0; i < racingBarriers(); i++) {
                                db.put(b("w" + epoch), b(Integer.toString(i)));
                                db.barrier();
                                acks.add(new Ack(epoch, i, System.nanoTime()));
                            }
                        } catch (FencedException fenced) {
                            // deposed: nothing after this point was acknowledged
                        }
                        db.close();
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : fs) f.get(3, TimeUnit.MINUTES);
            }
            try (var last = LsmDb.openWriter(bucket, options(), 10)) {
                for (Ack a : acks) assertTrue(valueOf(last, a.epoch()) >= a.i(), "lost acked write " + a);
            }
            // every ack that completed before a newer writer started opening is visible to that writer
            for (Opened o : opens) {
                for (Ack a : acks) {
                    if (a.epoch() < o.epoch() && a.atNs() < o.startNs()) {
                        assertTrue(o.view().get(a.epoch()) >= a.i(), "writer " + o.epoch() + " missed " + a);
                    }
                }
            }
            assertFalse(opens.isEmpty());
        }
    }

    @Test
    void inFlightWalPutThatLandedBeforeTheFenceIsReplayed() throws Exception {
        var bucket = newBucket();
        var pa = new GatedStore(bucket);
        var a = LsmDb.openWriter(pa, options().withFlushIntervalMs(60_000), 1);
        pa.holdAfter(k -> k.startsWith(WalNames.PREFIX));
        a.put(b("x"), b("1"));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> barrier = pool.submit(() -> a.barrier());
            pa.awaitHeld(1);
            try (var bdb = LsmDb.openWriter(bucket, options(), 2)) {
                assertEquals("1", s(bdb.get(b("x")).orElseThrow()), "landed write is replayed");
                pa.release();
                barrier.get(10, TimeUnit.SECONDS); // truthful: the write is durable and replayed
                a.put(b("y"), b("2"));
                assertThrows(FencedException.class, a::barrier);
                assertThrows(FencedException.class, () -> a.put(b("z"), b("3")));
            }
        }
    }

    @Test
    void aKnownWalIdShortensTheListButNotTheFence() {
        var bucket = newBucket();
        var a = LsmDb.openWriter(bucket, TestOptions.small(), 1);
        for (int i = 0; i < 8; i++) {
            a.put(b("k" + i), b("v" + i));
            a.barrier();
        }
        long frontier = WriterFencing.frontier(bucket, TestOptions.fastRetry(), 0);
        var manifests = new ManifestStore(bucket, TestOptions.fastRetry());
        // a hint at, below or far below the frontier: the fence lands right above the frontier every time
        long epoch = 2;
        for (long hint : new long[] {frontier, frontier - 3, 0}) {
            var fenced = WriterFencing.fence(bucket, manifests, TestOptions.fastRetry(), epoch++, hint);
            assertEquals(frontier + 1, fenced.fenceWalId(), "hint " + hint);
            frontier = fenced.fenceWalId();
        }
        a.put(b("late"), b("x"));
        assertThrows(FencedException.class, a::barrier);
    }

    @Test
    void inFlightWalPutAfterTheFenceIsFenced() throws Exception {
        var bucket = newBucket();
        var pa = new GatedStore(bucket);
        var a = LsmDb.openWriter(pa, options().withFlushIntervalMs(60_000), 1);
        pa.holdBefore(k -> k.startsWith(WalNames.PREFIX));
        a.put(b("x"), b("1"));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> barrier = pool.submit(() -> a.barrier());
            pa.awaitHeld(1);
            try (var bdb = LsmDb.openWriter(bucket, options(), 2)) {
                pa.release();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> barrier.get(10, TimeUnit.SECONDS));
                assertInstanceOf(FencedException.class, e.getCause());
                assertEquals(2, ((FencedException) e.getCause()).newerEpoch());
                assertTrue(bdb.get(b("x")).isEmpty());
            }
        }
    }

    @Test
    void oldWritersPutLandingBetweenFrontierAndFenceMovesTheFence() throws Exception {
        var bucket = newBucket();
        var pa = new GatedStore(bucket);
        var a = LsmDb.openWriter(pa, options().withFlushIntervalMs(60_000), 1);
        String slot = WalNames.key(2); // fence of epoch 1 is wal 1; its first data object is wal 2
        pa.holdBefore(slot::equals);
        a.put(b("x"), b("1"));
        var pb = new GatedStore(bucket);
        pb.holdBefore(slot::equals);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> barrier = pool.submit(() -> a.barrier());
            pa.awaitHeld(1);
            Future<LsmDb> opening = pool.submit(() -> LsmDb.openWriter(pb, options(), 2));
            pb.awaitHeld(1); // B found frontier 1 and is about to fence slot 2
            pa.release();
            barrier.get(10, TimeUnit.SECONDS); // A's object won slot 2: durable, acknowledged
            pb.release();
            try (LsmDb bdb = opening.get(10, TimeUnit.SECONDS)) {
                assertEquals("1", s(bdb.get(b("x")).orElseThrow()), "B stepped over A's object and replayed it");
                assertEquals(24, bucket.head(WalNames.key(3)).orElseThrow().size(), "fence moved to slot 3");
                a.put(b("y"), b("2"));
                assertThrows(FencedException.class, a::barrier);
            }
        }
    }

    @Test
    void anOpenerThatListsAfterANewerWriterWroteIsFencedWithoutAStrayFence() throws Exception {
        var bucket = newBucket();
        var pa = new GatedStore(bucket);
        pa.holdBefore(WalNames.PREFIX::equals); // A bumped the manifest to epoch 1; its frontier LIST waits
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<LsmDb> opening = pool.submit(() -> LsmDb.openWriter(pa, options(), 1));
            pa.awaitHeld(1);
            try (var bdb = LsmDb.openWriter(bucket, options(), 2)) {
                bdb.put(b("k"), b("1"));
                bdb.barrier();
                pa.release(); // A now lists B's fence and data as its frontier
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> opening.get(1, TimeUnit.MINUTES));
                assertInstanceOf(FencedException.class, e.getCause());
                bdb.put(b("k"), b("2"));
                bdb.barrier(); // B's next WAL slot is free: A left no fence above B's objects
            }
        }
        try (var c = LsmDb.openWriter(bucket, options(), 3)) {
            assertEquals("2", s(c.get(b("k")).orElseThrow()));
        }
    }

    @Test
    void zombiePausedPastGcAcknowledgesNothing() throws Exception {
        var bucket = newBucket();
        var pa = new GatedStore(bucket);
        var a = LsmDb.openWriter(pa, options().withFlushIntervalMs(60_000), 1);
        a.put(b("acked"), b("1"));
        a.barrier();
        a.put(b("flushed"), b("2"));
        // A pauses right before committing its L0 flush at the next manifest slot
        var manifests = new ManifestStore(bucket, TestOptions.fastRetry());
        String nextManifest = ManifestStore.key(manifests.readLatest().orElseThrow().id() + 1);
        pa.holdBefore(nextManifest::equals);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> flush = pool.submit(a::flushMemtable);
            pa.awaitHeld(1);
            a.put(b("zombie"), b("3"));
            var optsB = options().withGc(0, 0);
            try (var bdb = LsmDb.openWriter(bucket, optsB, 2)) {
                for (int i = 0; i < 300; i++) bdb.put(b("b" + i), b("v" + i));
                bdb.flushMemtable();
                bdb.put(b("b-last"), b("x"));
                bdb.flushMemtable();
                bdb.barrier();
                bdb.compactNow(); // quiesce: no manifest commits while GC runs
                var report = bdb.runGc();
                assertTrue(report.manifestsDeleted() > 0 && report.walDeleted() > 0, "GC deleted old slots: " + report);
                assertTrue(bucket.head(nextManifest).isEmpty(), "the zombie's manifest slot was deleted");
                assertTrue(bucket.head(WalNames.key(1)).isPresent(), "fences are kept");
                pa.release();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> flush.get(10, TimeUnit.SECONDS));
                assertInstanceOf(FencedException.class, e.getCause());
                assertThrows(FencedException.class, a::barrier);
                assertThrows(FencedException.class, () -> a.createCheckpoint("zombie", 0));
            }
        }
        try (var c = LsmDb.openWriter(bucket, options(), 3)) {
            assertEquals("1", s(c.get(b("acked")).orElseThrow()));
            assertEquals("x", s(c.get(b("b-last")).orElseThrow()));
            assertEquals("v299", s(c.get(b("b299")).orElseThrow()));
            assertTrue(c.get(b("zombie")).isEmpty());
        }
    }
}
