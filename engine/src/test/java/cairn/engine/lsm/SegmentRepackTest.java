package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.s;
import static cairn.engine.lsm.TestKv.contents;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.lsm.compaction.CompactionOptions;
import cairn.engine.lsm.manifest.Manifest;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.manifest.StoredManifest;
import cairn.engine.lsm.segment.RepackOptions;
import cairn.engine.lsm.segment.Segment;
import cairn.engine.lsm.segment.SegmentNames;
import cairn.engine.lsm.wal.WalNames;
import cairn.engine.store.FaultInjectingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.SimulatedCrash;
import cairn.engine.store.StoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Segment live-byte accounting and repacking: overwritten and deleted large values do not pile up in the bucket
 * (compaction drops their pointers, sparse segments are repacked, GC deletes what no root lists), while every
 * value reads back across reopen, reader tailing and promotion, after a crash at any store call of a repack, and
 * a fenced writer commits no repack.
 */
class SegmentRepackTest {
    private static final int LARGE = 256;
    /** Never plans a compaction: the base data stays as L0s, shadowed pointers stay referenced. */
    private static final CompactionOptions NEVER = new CompactionOptions(1000, 4, 2, 4, 4.0, 1000, 4096, true);

    /** WAL objects of ~16 KiB hold several large values each, so overwrites leave them partly live. */
    static LsmOptions options() {
        return TestOptions.small()
                .withWalBytes(16 << 10, 128 << 10)
                .withMemtableBytesMax(4 << 10)
                .withLargeValueBytes(LARGE)
                .withGc(0, 0)
                .withRepack(new RepackOptions(0.5, 1, 1 << 20, 16 << 10, 1.0));
    }

    @Test
    void overwritesAndDeletesKeepBucketBytesBounded() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        var bucket = new MemoryStore();
        var rnd = new Random(seed);
        var model = new TreeMap<String, String>();
        long epoch = 1;
        var registry = new SimpleMeterRegistry();
        LsmDb db = LsmDb.openWriter(bucket, options().withMetrics(registry), epoch);
        try {
            long worst = 0;
            for (int round = 0; round < 16; round++) {
                for (int i = 0; i < 120; i++) {
                    String k = "key" + rnd.nextInt(30);
                    int op = rnd.nextInt(100);
                    if (op < 15) {
                        db.delete(b(k));
                        model.remove(k);
                    } else {
                        String v = (op < 25 ? "s" : "L".repeat(LARGE + rnd.nextInt(1200))) + round + "-" + i;
                        db.put(b(k), b(v));
                        model.put(k, v);
                    }
                }
                db.barrier();
                switch (round % 4) {
                    case 1 -> {
                        db.close();
                        db = LsmDb.openWriter(bucket, options().withMetrics(registry), ++epoch);
                        assertEquals(model, contents(db), "after reopen, round " + round);
                    }
                    case 2 -> {
                        try (var reader = LsmDb.openReader(bucket, options())) {
                            awaitContents(reader, model, "reader, round " + round);
                        }
                    }
                    case 3 -> {
                        var reader = LsmDb.openReader(bucket, options().withMetrics(registry));
                        awaitContents(reader, model, "standby, round " + round);
                        LsmDb old = db;
                        db = reader.promote(++epoch);
                        closeFenced(old);
                        assertEquals(model, contents(db), "after promotion, round " + round);
                    }
                    default -> {}
                }
                db.flushMemtable();
                db.compactNow(); // compaction, then a repack when segments got sparse; quiesced before counting
                db.runGc();
                assertEquals(model, contents(db), "round " + round);
                long live = liveBytes(model);
                long stored = bytes(bucket, WalNames.PREFIX) + bytes(bucket, SegmentNames.PREFIX);
                worst = Math.max(worst, live == 0 ? 0 : 100 * stored / live);
                assertTrue(stored <= 3 * live + (32 << 10), "round " + round + ": " + stored + " segment bytes for " + live + " live bytes");
                assertEveryObjectReferenced(bucket);
            }
            db.close();
            assertTrue(registry.get("cairn.lsm.segments.repacked.bytes").counter().count() > 0, "the run repacked segments");
            try (var again = LsmDb.openWriter(bucket, options(), ++epoch)) {
                assertEquals(model, contents(again), "final reopen");
            }
            System.out.println("SegmentRepackTest seed " + seed + ": worst segment bytes / live bytes = " + worst + "%");
        } catch (Throwable t) {
            closeFenced(db);
            throw new AssertionError("seed " + seed + " (rerun with -Dcairn.seed=" + seed + "): " + t, t);
        }
    }

    @Test
    void repackCopiesLiveValuesAndGcDeletesTheOldSegments() {
        var bucket = prepared();
        var registry = new SimpleMeterRegistry();
        Set<Long> before = manifest(bucket).segmentIds();
        assertFalse(before.isEmpty());
        try (var db = LsmDb.openWriter(bucket, options().withMetrics(registry), 2)) {
            db.compactNow();
            db.runGc();
            Manifest m = manifest(bucket);
            assertTrue(m.segments().stream().anyMatch(s -> SegmentNames.isRepacked(s.id())), "a repacked segment is listed: " + m.segments());
            for (Segment s : m.segments()) assertTrue(s.liveRatio() >= 0.5, "no sparse segment left: " + s);
            for (long id : before) {
                if (!m.segmentIds().contains(id)) assertTrue(bucket.head(SegmentNames.key(id)).isEmpty(), "GC deleted " + SegmentNames.key(id));
            }
            assertTrue(registry.get("cairn.lsm.segments.repacked.bytes").counter().count() > 0, "repacked bytes metered");
            assertEquals(0, registry.get("cairn.lsm.segments.bytes").tag("state", "dead").gauge().value(), "no dead bytes after a full merge");
            assertEquals(liveBytes(expected()), registry.get("cairn.lsm.segments.bytes").tag("state", "live").gauge().value(),
                    "live bytes are exactly the large values of the model");
            assertEquals(expected(), contents(db));
            assertEveryObjectReferenced(bucket);
        }
        try (var again = LsmDb.openWriter(bucket, options(), 3); var reader = LsmDb.openReader(bucket, options())) {
            assertEquals(expected(), contents(again));
            assertEquals(expected(), contents(reader));
        }
    }

    @Test
    void crashAtEveryStoreCallOfARepackKeepsTheData() {
        var counting = new FaultInjectingStore(prepared(), 0);
        try (var db = LsmDb.openWriter(counting, options(), 2)) {
            db.compactNow();
            assertTrue(manifest(counting).segments().stream().anyMatch(s -> SegmentNames.isRepacked(s.id())), "the run repacks");
        }
        int total = 2 * (int) counting.calls(); // a step before and after every call
        assertTrue(total > 40, "compaction and repack make " + total + " store steps");
        TreeMap<String, String> model = expected();
        for (int n = 1; n <= total; n++) {
            MemoryStore bucket = prepared();
            var process = new FaultInjectingStore(bucket, n);
            process.crashAtNth(n, step -> true);
            try {
                var db = LsmDb.openWriter(process, options(), 2);
                db.compactNow();
                db.close();
            } catch (SimulatedCrash | StoreException | IllegalStateException e) {
                // died at step n
            }
            process.crashAt(step -> true);
            try (var recovered = LsmDb.openWriter(bucket, options(), 3)) {
                assertEquals(model, contents(recovered), "crash at step " + n);
                recovered.compactNow();
                recovered.runGc();
                assertEquals(model, contents(recovered), "crash at step " + n + ", then repacked again");
                assertEveryObjectReferenced(bucket);
            }
        }
    }

    @Test
    void fencedWriterCannotCommitARepack() throws Exception {
        var bucket = prepared();
        var pa = new GatedStore(bucket);
        pa.holdBefore(k -> k.startsWith(SegmentNames.PREFIX)); // A pauses right before it writes its repacked segment
        var a = LsmDb.openWriter(pa, options(), 2); // opening triggers compaction, then the repack
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pa.awaitHeld(1);
            Future<Long> repack = pool.submit(a::compactNow);
            try (var bdb = LsmDb.openWriter(bucket, options().withRepack(null), 3)) {
                pa.release();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> repack.get(30, TimeUnit.SECONDS));
                assertInstanceOf(FencedException.class, e.getCause());
                Manifest m = manifest(bucket);
                assertEquals(3, m.epoch());
                assertTrue(m.segments().stream().noneMatch(s -> SegmentNames.isRepacked(s.id())), "no repack committed: " + m.segments());
                assertFalse(bucket.list(SegmentNames.PREFIX, null, 100).objects().isEmpty(), "the zombie wrote its segment");
                bdb.compactNow();
                bdb.runGc();
                assertTrue(bucket.list(SegmentNames.PREFIX, null, 100).objects().isEmpty(), "GC removed the zombie's segment");
                assertEquals(expected(), contents(bdb));
            }
        } finally {
            closeFenced(a);
        }
        try (var c = LsmDb.openWriter(bucket, options(), 4)) {
            assertEquals(expected(), contents(c));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static MemoryStore prepared() {
        var bucket = new MemoryStore();
        writeBase(bucket);
        return bucket;
    }

    private static TreeMap<String, String> expected() {
        return writeBase(new MemoryStore());
    }

    /**
     * 40 large values, then 70% of them overwritten or deleted, left as L0s (no compaction, no repack): the first
     * compaction drops the shadowed pointers and leaves the first segments sparse.
     */
    private static TreeMap<String, String> writeBase(MemoryStore bucket) {
        var rnd = new Random(5);
        var model = new TreeMap<String, String>();
        try (var db = LsmDb.openWriter(bucket, options().withCompaction(NEVER).withRepack(null), 1)) {
            for (int i = 0; i < 40; i++) put(db, model, "key" + i, "A".repeat(LARGE + rnd.nextInt(600)) + i);
            db.flushMemtable();
            for (int i = 0; i < 40; i++) {
                if (rnd.nextInt(10) >= 7) continue;
                String k = "key" + i;
                if (rnd.nextInt(4) == 0) {
                    db.delete(b(k));
                    model.remove(k);
                } else {
                    put(db, model, k, "B".repeat(LARGE + rnd.nextInt(600)) + i);
                }
            }
            db.flushMemtable();
        }
        return model;
    }

    private static void put(LsmDb db, Map<String, String> model, String k, String v) {
        db.put(b(k), b(v));
        model.put(k, v);
    }

    /** Every SST and repacked segment in the bucket is one the latest manifest references (garbage is bounded). */
    private static void assertEveryObjectReferenced(MemoryStore bucket) {
        Manifest m = manifest(bucket);
        Set<String> referenced = new HashSet<>();
        m.allSsts().forEach(h -> referenced.add(h.objectKey()));
        m.segmentIds().forEach(id -> referenced.add(SegmentNames.key(id)));
        for (String prefix : new String[] {"sst/", SegmentNames.PREFIX}) {
            for (ObjectInfo o : bucket.list(prefix, null, 10_000).objects()) {
                assertTrue(referenced.contains(o.key()), o.key() + " is garbage GC left behind");
            }
        }
    }

    private static long liveBytes(Map<String, String> model) {
        long sum = 0;
        for (String v : model.values()) if (v.length() >= LARGE) sum += v.length();
        return sum;
    }

    private static long bytes(MemoryStore bucket, String prefix) {
        return bucket.list(prefix, null, 100_000).objects().stream().mapToLong(ObjectInfo::size).sum();
    }

    private static void awaitContents(LsmDb reader, Map<String, String> model, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!model.equals(contents(reader))) {
            if (System.nanoTime() > deadline) assertEquals(model, contents(reader), what);
            reader.pollOnce();
        }
    }

    private static void closeFenced(LsmDb db) {
        try {
            db.close();
        } catch (RuntimeException e) {
            // a fenced writer may fail its final flush
        }
    }

    private static Manifest manifest(cairn.engine.store.ObjectStore bucket) {
        return new ManifestStore(bucket, TestOptions.fastRetry()).readLatest().map(StoredManifest::manifest).orElseThrow();
    }
}
