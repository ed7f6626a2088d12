package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.s;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.lsm.codec.CorruptObjectException;
import cairn.engine.lsm.wal.WalNames;
import cairn.engine.store.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LsmDbBasicTest {

    @Test
    void writesSurviveReopenAtHigherEpoch() {
        var store = new MemoryStore();
        try (var db = LsmDb.openWriter(store, TestOptions.small(), 1)) {
            db.put(b("a"), b("1"));
            db.put(b("b"), b("2"));
            db.delete(b("a"));
            db.put(b("c"), "x".repeat(1000).getBytes());
            assertEquals("2", s(db.get(b("b")).orElseThrow()));
            assertTrue(db.get(b("a")).isEmpty());
            db.barrier();
        }
        try (var db = LsmDb.openWriter(store, TestOptions.small(), 2)) {
            assertTrue(db.get(b("a")).isEmpty());
            assertEquals("2", s(db.get(b("b")).orElseThrow()));
            assertEquals(1000, db.get(b("c")).orElseThrow().length);
            assertEquals(2, db.epoch());
        }
    }

    @Test
    void blockCacheHitsAndMissesAreMeters() {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (var db = LsmDb.openWriter(new MemoryStore(), TestOptions.small().withCompaction(null).withMetrics(registry), 1)) {
            db.put(b("a"), b("1"));
            db.flushMemtable();
            for (int i = 0; i < 3; i++) assertEquals("1", s(db.get(b("a")).orElseThrow()));
            double hits = registry.get("cairn.lsm.block.cache.requests").tags("kind", "data", "result", "hit").functionCounter().count();
            double misses = registry.get("cairn.lsm.block.cache.requests").tags("kind", "data", "result", "miss").functionCounter().count();
            assertTrue(misses >= 1, "the first read of the flushed block misses: " + misses);
            assertTrue(hits >= 2, "later reads hit: " + hits);
        }
    }

    @Test
    void openingAtAnOldEpochIsFenced() {
        var store = new MemoryStore();
        LsmDb.openWriter(store, TestOptions.small(), 5).close();
        assertThrows(FencedException.class, () -> LsmDb.openWriter(store, TestOptions.small(), 5));
        assertThrows(FencedException.class, () -> LsmDb.openWriter(store, TestOptions.small(), 4));
    }

    @Test
    void flushesMemtablesAndReadsAcrossLevels() {
        var store = new MemoryStore();
        try (var db = LsmDb.openWriter(store, TestOptions.small(), 1)) {
            for (int i = 0; i < 500; i++) db.put(b(String.format("k%04d", i)), b("v" + i));
            db.flushMemtable();
            for (int i = 0; i < 500; i += 2) db.put(b(String.format("k%04d", i)), b("w" + i));
            db.barrier();
            List<String> seen = new ArrayList<>();
            try (var it = db.scan(b("k0100"), b("k0110"))) {
                it.forEachRemaining(kv -> seen.add(s(kv.key()) + "=" + s(kv.value())));
            }
            assertEquals(List.of("k0100=w100", "k0101=v101", "k0102=w102", "k0103=v103", "k0104=w104",
                    "k0105=v105", "k0106=w106", "k0107=v107", "k0108=w108", "k0109=v109"), seen);
        }
        assertFalse(store.list("sst/", null, 10).objects().isEmpty(), "memtable flush wrote SSTs");
        try (var db = LsmDb.openWriter(store, TestOptions.small(), 2)) {
            assertEquals("v499", s(db.get(b("k0499")).orElseThrow()));
            assertEquals("w498", s(db.get(b("k0498")).orElseThrow()));
        }
    }

    @Test
    void quietVolumesFlushAfterManyWalObjectsToBoundReplay() throws Exception {
        var bucket = new MemoryStore();
        var opts = TestOptions.small().withMemtableBytesMax(1 << 30).withWalObjectsPerMemtableMax(5);
        var manifests = new cairn.engine.lsm.manifest.ManifestStore(bucket, TestOptions.fastRetry());
        try (var db = LsmDb.openWriter(bucket, opts, 1)) {
            for (int i = 0; i < 12; i++) {
                db.put(b("k" + i), b("v"));
                db.barrier();
            }
            // the flush is asynchronous: wait for its manifest (with a deadline) before closing
            ReaderTest.await("an L0 flushed by WAL object count", () -> !manifests.readLatest().orElseThrow().manifest().allSsts().isEmpty());
        }
        var manifest = manifests.readLatest().orElseThrow().manifest();
        assertTrue(manifest.replayAfterWalId() >= 6, "replay point advanced: " + manifest.replayAfterWalId());
        try (var db = LsmDb.openWriter(bucket, opts, 2)) {
            for (int i = 0; i < 12; i++) assertEquals("v", s(db.get(b("k" + i)).orElseThrow()));
        }
    }

    @Test
    void snapshotIsStable() {
        var store = new MemoryStore();
        try (var db = LsmDb.openWriter(store, TestOptions.small(), 1)) {
            db.put(b("k"), b("old"));
            try (var snap = db.snapshot()) {
                db.put(b("k"), b("new"));
                db.put(b("k2"), b("x"));
                assertEquals("old", s(snap.get(b("k")).orElseThrow()));
                assertTrue(snap.get(b("k2")).isEmpty());
            }
            assertEquals("new", s(db.get(b("k")).orElseThrow()));
        }
    }

    @Test
    void readerTailsAndPromotes() {
        var store = new MemoryStore();
        var writer = LsmDb.openWriter(store, TestOptions.small(), 1);
        var reader = LsmDb.openReader(store, TestOptions.small());
        assertThrows(ReadOnlyException.class, () -> reader.put(b("x"), b("y")));
        writer.put(b("a"), b("1"));
        writer.barrier();
        reader.pollOnce();
        assertEquals("1", s(reader.get(b("a")).orElseThrow()));
        assertEquals(0, reader.lagBehindWriter().walObjectsBehind());
        writer.put(b("b"), b("2"));
        writer.barrier();
        var promoted = reader.promote(2);
        assertEquals("2", s(promoted.get(b("b")).orElseThrow()));
        writer.put(b("c"), b("3"));
        assertThrows(FencedException.class, writer::barrier);
        promoted.put(b("d"), b("4"));
        promoted.barrier();
        promoted.close();
        writer.close();
        try (var db = LsmDb.openWriter(store, TestOptions.small(), 3)) {
            assertTrue(db.get(b("c")).isEmpty());
            assertEquals("4", s(db.get(b("d")).orElseThrow()));
        }
    }

    @Test
    void corruptWalObjectIsNamed() {
        var store = new MemoryStore();
        try (var db = LsmDb.openWriter(store, TestOptions.small(), 1)) {
            db.put(b("a"), b("1"));
            db.barrier();
        }
        String key = WalNames.key(2);
        byte[] bytes = store.get(key).orElseThrow().data();
        bytes[bytes.length - 1] ^= 1;
        store.put(key, bytes, java.util.Map.of());
        var e = assertThrows(CorruptObjectException.class, () -> LsmDb.openWriter(store, TestOptions.small(), 2));
        assertEquals(key, e.objectKey());
    }
}
