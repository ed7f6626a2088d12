package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.s;
import static cairn.engine.lsm.TestKv.toMap;
import static cairn.engine.lsm.TestKv.contents;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.lsm.compaction.CompactionOptions;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.manifest.StoredManifest;
import cairn.engine.store.FaultInjectingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.SimulatedCrash;
import cairn.engine.store.StoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Background compaction in the writer: reads are the same before and after compaction, after a reopen, and after a
 * crash at any store call of a compaction; obsolete SSTs leave the manifest and GC removes them.
 */
class CompactionTest {
    /** Never plans anything: the base data is left as L0s for the writer under test. */
    private static final CompactionOptions NEVER = new CompactionOptions(1000, 4, 2, 4, 4.0, 1000, 4096, true);

    @Test
    void readsAreIdenticalBeforeAndAfterCompactionAndReopen() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        try {
            var bucket = new MemoryStore();
            TreeMap<String, String> model = writeBase(bucket, seed, TestOptions.small().withCompaction(NEVER).withRepack(null));
            assertTrue(manifest(bucket).l0().size() >= 4, "base left L0s to compact");
            var registry = new SimpleMeterRegistry();
            try (var db = LsmDb.openWriter(bucket, TestOptions.small().withMetrics(registry), 2)) {
                db.put(b("metered"), b("1"));
                db.barrier();
                model.put("metered", "1");
                long jobs;
                try (var snap = db.snapshot()) {
                    jobs = db.compactNow();
                    assertTrue(jobs > 0, "compaction ran: " + jobs + " jobs; manifest " + manifest(bucket).l0().size() + " L0 " + manifest(bucket).runs().size() + " runs");
                    assertEquals(model, contents(db), "after compaction");
                    assertEquals(model, toMap(snap.scan(new byte[0], null)), "snapshot taken before compaction");
                    for (String k : model.keySet()) assertEquals(model.get(k), s(db.get(b(k)).orElseThrow()), "get " + k);
                }
                assertEquals(jobs, registry.get("cairn.lsm.compactions").counter().count());
                assertTrue(registry.get("cairn.lsm.wal.flush").timer().count() > 0, "WAL PUTs timed");
                assertTrue(registry.get("cairn.lsm.compactions.bytes").tag("direction", "written").counter().count() > 0);
            }
            var m = manifest(bucket);
            assertTrue(m.l0().size() < 2 && !m.runs().isEmpty(), "L0s became sorted runs: " + m.l0().size() + " L0, " + m.runs().size() + " runs");
            try (var again = LsmDb.openWriter(bucket, TestOptions.small(), 3)) {
                assertEquals(model, contents(again), "after reopen");
            }
            try (var reader = LsmDb.openReader(bucket, TestOptions.small())) {
                assertEquals(model, contents(reader), "reader view");
            }
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + " (rerun with -Dcairn.seed=" + seed + "): " + t, t);
        }
    }

    @Test
    void gcDeletesCompactedInputsButNothingLive() {
        var bucket = new MemoryStore();
        TreeMap<String, String> model = writeBase(bucket, 7, TestOptions.small().withCompaction(NEVER).withRepack(null));
        var options = TestOptions.small().withGc(0, 0);
        try (var db = LsmDb.openWriter(bucket, options, 2)) {
            db.compactNow();
            db.runGc();
            db.runGc();
            long ssts = bucket.list("sst/", null, 1000).objects().size();
            assertEquals(manifest(bucket).allSsts().size(), ssts, "only referenced SSTs remain");
            assertEquals(model, contents(db));
        }
        try (var again = LsmDb.openWriter(bucket, options, 3)) {
            assertEquals(model, contents(again));
        }
    }

    @Test
    void crashAtEveryStoreCallOfACompactionKeepsTheData() {
        var options = TestOptions.small();
        var counting = new FaultInjectingStore(prepared(), 0);
        try (var db = LsmDb.openWriter(counting, options, 2)) {
            db.compactNow();
        }
        int total = 2 * (int) counting.calls(); // a step before and after every call
        assertTrue(total > 20, "compaction makes " + total + " store steps");
        TreeMap<String, String> model = expected();
        for (int n = 1; n <= total; n++) {
            MemoryStore bucket = prepared();
            var process = new FaultInjectingStore(bucket, n);
            process.crashAtNth(n, step -> true);
            try {
                var db = LsmDb.openWriter(process, options, 2);
                db.compactNow();
                db.close();
            } catch (SimulatedCrash | StoreException | IllegalStateException e) {
                // died at step n
            }
            process.crashAt(step -> true);
            try (var recovered = LsmDb.openWriter(bucket, options, 3)) {
                assertEquals(model, contents(recovered), "crash at step " + n);
                recovered.compactNow();
                assertEquals(model, contents(recovered), "crash at step " + n + ", then compacted again");
            }
        }
    }

    private static MemoryStore prepared() {
        var bucket = new MemoryStore();
        writeBase(bucket, 11, TestOptions.small().withCompaction(NEVER).withRepack(null));
        return bucket;
    }

    private static TreeMap<String, String> expected() {
        return writeBase(new MemoryStore(), 11, TestOptions.small().withCompaction(NEVER).withRepack(null));
    }

    /** Random puts (some large), overwrites and deletes over 60 keys, flushed into several L0s. */
    private static TreeMap<String, String> writeBase(MemoryStore bucket, long seed, LsmOptions options) {
        var rnd = new Random(seed);
        var model = new TreeMap<String, String>();
        try (var db = LsmDb.openWriter(bucket, options, 1)) {
            for (int i = 0; i < 400; i++) {
                String k = String.format("key%03d", rnd.nextInt(60));
                if (rnd.nextInt(6) == 0) {
                    db.delete(b(k));
                    model.remove(k);
                } else {
                    String v = (rnd.nextInt(8) == 0 ? "L".repeat(300) : "v") + i;
                    db.put(b(k), b(v));
                    model.put(k, v);
                }
                if (i % 60 == 59) db.flushMemtable();
            }
            db.flushMemtable();
        }
        return model;
    }

    private static cairn.engine.lsm.manifest.Manifest manifest(MemoryStore bucket) {
        return new ManifestStore(bucket, TestOptions.fastRetry()).readLatest().map(StoredManifest::manifest).orElseThrow();
    }
}
