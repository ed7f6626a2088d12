package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.s;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.gc.GcBoundary;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.wal.WalNames;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcAndCheckpointTest {

    static List<ObjectInfo> list(MemoryStore store, String prefix) {
        return store.list(prefix, null, 10_000).objects();
    }

    @Test
    void gcDeletesOnlyWhatNothingReaches() {
        var bucket = new MemoryStore();
        var opts = TestOptions.small().withGc(0, 0);
        try (var db = LsmDb.openWriter(bucket, opts, 1)) {
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 50; i++) db.put(b("k" + i), b("r" + round + "-" + i));
                db.barrier(); // WAL objects without large values: deletable once flushed
                db.put(b("big" + round), "B".repeat(1000).getBytes());
                db.barrier();
                db.flushMemtable();
            }
            db.compactNow(); // quiesce: no manifest commits while the checks below run
            var report = db.runGc();
            assertTrue(report.manifestsDeleted() > 0 && report.walDeleted() > 0, report.toString());
            long latest = new ManifestStore(bucket, TestOptions.fastRetry()).readLatest().orElseThrow().id();
            assertEquals(List.of(ManifestStore.key(latest)), list(bucket, "manifest/").stream().map(ObjectInfo::key).toList());
            assertEquals(List.of(GcBoundary.key(latest - 1)), list(bucket, GcBoundary.PREFIX).stream().map(ObjectInfo::key).toList());
            for (ObjectInfo o : list(bucket, WalNames.PREFIX)) {
                boolean fence = o.size() == ObjectFrame.HEADER_BYTES;
                boolean segment = o.size() > 1000;
                assertTrue(fence || segment, "only fences and live segments remain: " + o);
            }
            assertEquals(1, list(bucket, WalNames.PREFIX).stream().filter(o -> o.size() == ObjectFrame.HEADER_BYTES).count());
        }
        try (var db = LsmDb.openWriter(bucket, opts, 2)) {
            assertEquals("r3-7", s(db.get(b("k7")).orElseThrow()));
            for (int round = 0; round < 4; round++) assertEquals(1000, db.get(b("big" + round)).orElseThrow().length);
        }
    }

    @Test
    void gcWaitsForTheGracePeriod() {
        var bucket = new MemoryStore();
        try (var db = LsmDb.openWriter(bucket, TestOptions.small().withGc(3_600_000, 0), 1)) {
            for (int i = 0; i < 3; i++) {
                db.put(b("k" + i), b("v"));
                db.flushMemtable();
            }
            var report = db.runGc();
            assertEquals(0, report.manifestsDeleted() + report.walDeleted() + report.sstsDeleted());
        }
    }

    @Test
    void checkpointPinsAState() {
        var bucket = new MemoryStore();
        var opts = TestOptions.small().withGc(0, 0);
        long cpId;
        try (var db = LsmDb.openWriter(bucket, opts, 1)) {
            db.put(b("a"), b("old"));
            db.put(b("unflushed"), b("x"));
            cpId = db.createCheckpoint("before", 0).id();
            db.put(b("a"), b("new"));
            db.delete(b("unflushed"));
            db.flushMemtable();
            db.put(b("c"), b("later"));
            db.flushMemtable();
            db.compactNow(); // quiesce: a background compaction would commit a manifest after the GC
            db.runGc();
            assertEquals(1, db.checkpoints().size());
            try (var cp = LsmDb.openCheckpoint(bucket, opts, cpId)) {
                assertTrue(cp.readOnly());
                assertEquals("old", s(cp.get(b("a")).orElseThrow()));
                assertEquals("x", s(cp.get(b("unflushed")).orElseThrow()));
                assertTrue(cp.get(b("c")).isEmpty());
            }
            db.deleteCheckpoint(cpId);
            assertTrue(db.checkpoints().isEmpty());
            db.compactNow();
            db.runGc();
            assertThrows(IllegalArgumentException.class, () -> LsmDb.openCheckpoint(bucket, opts, cpId));
            assertEquals(1, list(bucket, "manifest/").size());
        }
    }

    @Test
    void readerLeaseKeepsItsManifest() {
        var bucket = new MemoryStore();
        var opts = TestOptions.small().withGc(0, 0);
        try (var db = LsmDb.openWriter(bucket, opts, 1)) {
            db.put(b("a"), b("1"));
            db.flushMemtable();
            try (var reader = LsmDb.openReader(bucket, opts.withPollIntervalMs(3_600_000))) {
                long pinned = new ManifestStore(bucket, TestOptions.fastRetry()).readLatest().orElseThrow().id();
                db.put(b("a"), b("2"));
                db.flushMemtable();
                db.put(b("a"), b("3"));
                db.flushMemtable();
                db.compactNow();
                db.runGc();
                assertTrue(bucket.head(ManifestStore.key(pinned)).isPresent(), "leased manifest kept");
                assertEquals("1", s(reader.get(b("a")).orElseThrow()));
            }
            db.compactNow();
            db.runGc();
            assertEquals(1, list(bucket, "manifest/").size(), "lease gone with its reader");
        }
    }
}
