package cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.lsm.cache.DiskRangeCache;
import cairn.engine.store.ForwardingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoreException;
import cairn.engine.store.StoredObject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local disk cache on the engine's read paths: SST blocks and large values, across restarts, damage and GC. */
class DiskCacheTest {
    private static final String VOLUME = "memory://disk-cache-test";

    @TempDir
    Path dir;

    /** Counts ranged GETs (the reads a disk cache saves), remembers them, and fails them on demand. */
    static final class RangeGets extends ForwardingStore {
        final AtomicInteger count = new AtomicInteger();
        final Set<String> ranges = ConcurrentHashMap.newKeySet(); // "key offset length"
        volatile boolean fail;

        RangeGets(ObjectStore inner) {
            super(inner);
        }

        @Override
        public Optional<StoredObject> getRange(String key, long offset, int length) {
            if (fail) throw new StoreException("test: ranged GET of " + key + " must be served by the disk cache", false);
            count.incrementAndGet();
            ranges.add(key + " " + offset + " " + length);
            return super.getRange(key, offset, length);
        }
    }

    private static LsmOptions options(DiskRangeCache disk) {
        return TestOptions.small().withCompaction(null).withRepack(null).withDiskCache(disk);
    }

    private static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    /** Even keys small (inline in SSTs), odd keys large (pointers into WAL objects). */
    private static TreeMap<Integer, byte[]> writeAll(LsmDb db, int n, long seed) {
        var r = new Random(seed);
        var model = new TreeMap<Integer, byte[]>();
        for (int i = 0; i < n; i++) {
            byte[] v = new byte[i % 2 == 0 ? 40 : 700];
            r.nextBytes(v);
            db.put(key(i), v);
            model.put(i, v);
        }
        db.barrier();
        db.flushMemtable();
        return model;
    }

    /** Every key by point read, then all by one scan. */
    private static void readAll(LsmDb db, TreeMap<Integer, byte[]> model) {
        for (var e : model.entrySet()) assertArrayEquals(e.getValue(), db.get(key(e.getKey())).orElseThrow(), "key " + e.getKey());
        try (var it = db.scan(null, null)) {
            for (var e : model.entrySet()) {
                assertTrue(it.hasNext());
                var kv = it.next();
                assertArrayEquals(key(e.getKey()), kv.key());
                assertArrayEquals(e.getValue(), kv.value());
            }
            assertTrue(!it.hasNext());
        }
    }

    private List<Path> cacheFiles() throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> !p.getParent().equals(dir)).filter(Files::isRegularFile).toList();
        }
    }

    /** Writes and reads everything once with a disk cache in {@code dir}; returns the model. */
    private TreeMap<Integer, byte[]> warm(ObjectStore store, int n) {
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME); var db = LsmDb.openWriter(store, options(disk), 1)) {
            var model = writeAll(db, n, 7);
            readAll(db, model);
            assertTrue(disk.counters().entries() > 10, "blocks and values kept: " + disk.counters());
            return model;
        }
    }

    @Test
    void afterARestartReadsAreServedFromDiskWithoutTheStore() {
        var store = new RangeGets(new MemoryStore());
        var model = warm(store, 200);
        store.fail = true; // every SST block, index, filter and value must now come from the disk cache
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME); var db = LsmDb.openReader(store, options(disk))) {
            readAll(db, model);
            assertTrue(disk.counters().hits() > 10, disk.counters().toString());
            assertEquals(0, disk.counters().corruptDropped());
        }
    }

    @Test
    void damagedCacheFilesAreMissesAndRefetched() throws IOException {
        var store = new RangeGets(new MemoryStore());
        var model = warm(store, 150);
        var r = new Random(11);
        List<Path> files = cacheFiles();
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
            Files.write(f, b);
        }
        store.count.set(0);
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME); var db = LsmDb.openReader(store, options(disk))) {
            readAll(db, model);
            assertEquals(0, disk.counters().hits(), "no damaged file is served");
            assertTrue(disk.counters().corruptDropped() > 10, disk.counters().toString());
            assertTrue(store.count.get() > 10, "refetched from the store");
        }
        store.fail = true;
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME); var db = LsmDb.openReader(store, options(disk))) {
            readAll(db, model); // the refetched copies were cached again
            assertEquals(0, disk.counters().corruptDropped());
        }
    }

    @Test
    void intactFilesWithOtherBytesAreNeverServed() {
        // Files that pass the cache's own checks but hold other bytes for the same (object, offset, length), as a
        // wiped and re-created bucket would leave: SST blocks fail their block checksum, values their pointer's CRC.
        var store = new RangeGets(new MemoryStore());
        TreeMap<Integer, byte[]> model;
        try (var db = LsmDb.openWriter(store, options(null), 1)) {
            model = writeAll(db, 150, 8);
        }
        try (var db = LsmDb.openReader(store, options(null))) {
            readAll(db, model); // records every range a reader needs
        }
        var r = new Random(12);
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME)) {
            for (String range : store.ranges) {
                String[] p = range.split(" ");
                byte[] other = new byte[Integer.parseInt(p[2])];
                r.nextBytes(other);
                disk.put(p[0], Long.parseLong(p[1]), other);
            }
        }
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME); var db = LsmDb.openReader(store, options(disk))) {
            readAll(db, model);
            assertEquals(store.ranges.size(), disk.counters().corruptDropped(), "every planted file dropped: " + disk.counters());
        }
    }

    @Test
    void theBudgetHolds() throws IOException {
        var store = new RangeGets(new MemoryStore());
        long budget = 48 << 10;
        try (var disk = new DiskRangeCache(dir, budget, VOLUME); var db = LsmDb.openWriter(store, options(disk), 1)) {
            var model = writeAll(db, 400, 3);
            readAll(db, model);
            readAll(db, model);
            assertTrue(disk.totalBytes() <= budget, disk.counters().toString());
            assertTrue(disk.counters().evictions() > 0);
            long onDisk = 0;
            for (Path f : cacheFiles()) onDisk += Files.size(f);
            assertEquals(disk.totalBytes(), onDisk);
        }
    }

    @Test
    void compactedAndCollectedObjectsLeaveTheCache() {
        var store = new RangeGets(new MemoryStore());
        // every compaction ends in one run, so the first pass's SSTs are surely rewritten (and then collected)
        var opts = TestOptions.small().withGc(0, 0)
                .withCompaction(new cairn.engine.lsm.compaction.CompactionOptions(2, 16, 2, 8, 1000.0, 2, 4096, true));
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME); var db = LsmDb.openWriter(store, opts.withDiskCache(disk), 1)) {
            var model = writeAll(db, 300, 5);
            db.compactNow();
            readAll(db, model);
            Set<String> cachedBefore = new java.util.HashSet<>();
            for (String range : store.ranges) {
                String[] p = range.split(" ");
                if (disk.get(p[0], Long.parseLong(p[1]), Integer.parseInt(p[2])) != null) cachedBefore.add(range);
            }
            model = writeAll(db, 300, 6); // every value replaced: old SSTs and segments become garbage
            db.compactNow();
            readAll(db, model);
            db.runGc();
            int gone = 0;
            int sstsGone = 0;
            for (String range : cachedBefore) {
                String[] p = range.split(" ");
                if (store.head(p[0]).isPresent()) continue;
                gone++;
                if (p[0].startsWith("sst/")) sstsGone++;
                assertTrue(disk.get(p[0], Long.parseLong(p[1]), Integer.parseInt(p[2])) == null, "range of deleted " + range + " still cached");
            }
            assertTrue(sstsGone > 0 && gone > sstsGone, "SSTs and segments with cached ranges were deleted: " + sstsGone + " of " + gone);
        }
    }

    @Test
    void cacheRequestsAreMeters() {
        var registry = new SimpleMeterRegistry();
        var store = new RangeGets(new MemoryStore());
        try (var disk = new DiskRangeCache(dir, 64 << 20, VOLUME);
             var db = LsmDb.openWriter(store, options(disk).withMetrics(registry), 1)) {
            var model = writeAll(db, 200, 9);
            readAll(db, model);
            System.gc(); // the meters must not depend on objects only they reference (they hold them weakly)
            readAll(db, model);
            double diskMisses = registry.get("cairn.lsm.disk.cache.requests").tags("result", "miss").functionCounter().count();
            assertEquals(disk.counters().misses(), diskMisses);
            assertTrue(diskMisses > 0);
            assertEquals(disk.totalBytes(), registry.get("cairn.lsm.disk.cache.bytes").gauge().value());
            assertEquals(64 << 20, registry.get("cairn.lsm.disk.cache.capacity.bytes").gauge().value());
            assertEquals(0, registry.get("cairn.lsm.disk.cache.corrupt").functionCounter().count());
            assertEquals(0, registry.get("cairn.lsm.disk.cache.evictions").functionCounter().count());
            double valueHits = registry.get("cairn.lsm.value.cache.requests").tags("result", "hit").functionCounter().count();
            double valueMisses = registry.get("cairn.lsm.value.cache.requests").tags("result", "miss").functionCounter().count();
            assertTrue(valueMisses >= 100, "first reads of the 100 large values miss: " + valueMisses);
            assertTrue(valueHits >= 100, "second reads hit: " + valueHits);
            double blockHits = registry.get("cairn.lsm.block.cache.requests").tags("kind", "data", "result", "hit").functionCounter().count();
            assertTrue(blockHits >= 100, "second reads hit the block cache: " + blockHits);
        }
        assertTrue(registry.find("cairn.lsm.value.cache.requests").meters().isEmpty(), "a closed database's cache meters are removed");
        try (var db = LsmDb.openReader(store, TestOptions.small().withMetrics(registry))) {
            var model = new TreeMap<Integer, byte[]>();
            db.get(key(1)).ifPresent(v -> model.put(1, v));
            assertEquals(1, model.size());
            double misses = registry.get("cairn.lsm.value.cache.requests").tags("result", "miss").functionCounter().count();
            assertEquals(1, misses, "the re-opened database's meters read its own caches");
        }
    }
}
