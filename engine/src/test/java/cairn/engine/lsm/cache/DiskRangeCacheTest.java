package cairn.engine.lsm.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.store.MemoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskRangeCacheTest {
    @TempDir
    Path dir;

    private final MemoryStore store = new MemoryStore();
    private final AtomicInteger backingReads = new AtomicInteger();
    private final RangeReader counting = (key, off, len) -> {
        backingReads.incrementAndGet();
        return new StoreRangeReader(store).read(key, off, len);
    };

    private byte[] object(String key, int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        store.put(key, b, Map.of());
        return b;
    }

    private static byte[] slice(byte[] b, int off, int len) {
        return java.util.Arrays.copyOfRange(b, off, off + len);
    }

    @Test
    void servesFromDiskAfterRestart() {
        byte[] obj = object("sst/A", 100_000, 1);
        var cache = new DiskRangeCache(dir, 1 << 20, 1 << 16, counting);
        assertArrayEquals(slice(obj, 100, 4000), cache.read("sst/A", 100, 4000));
        assertArrayEquals(slice(obj, 100, 4000), cache.read("sst/A", 100, 4000));
        assertEquals(1, backingReads.get());
        assertEquals(1, cache.counters().hits());

        var reopened = new DiskRangeCache(dir, 1 << 20, 1 << 16, counting);
        assertEquals(cache.totalBytes(), reopened.totalBytes());
        assertArrayEquals(slice(obj, 100, 4000), reopened.read("sst/A", 100, 4000));
        assertEquals(1, backingReads.get(), "served from the files of the previous instance");
        // a different range of the same object is a different entry
        assertArrayEquals(slice(obj, 4100, 4000), reopened.read("sst/A", 4100, 4000));
        assertEquals(2, backingReads.get());
    }

    @Test
    void staysWithinItsBudget() throws IOException {
        byte[] obj = object("sst/B", 1_000_000, 2);
        long budget = 64 * 1024;
        var cache = new DiskRangeCache(dir, budget, 8192, counting);
        var r = new Random(3);
        for (int i = 0; i < 500; i++) {
            int off = r.nextInt(obj.length - 8192);
            int len = 1 + r.nextInt(8192);
            assertArrayEquals(slice(obj, off, len), cache.read("sst/B", off, len));
            assertTrue(cache.totalBytes() <= budget);
        }
        long onDisk;
        try (var files = Files.list(dir)) {
            onDisk = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertEquals(cache.totalBytes(), onDisk);
        assertTrue(cache.counters().evictions() > 0);
        // ranges over the per-entry limit bypass the cache
        int before = backingReads.get();
        cache.read("sst/B", 0, 9000);
        cache.read("sst/B", 0, 9000);
        assertEquals(before + 2, backingReads.get());
        // a smaller budget on restart evicts down to it
        var smaller = new DiskRangeCache(dir, budget / 4, 8192, counting);
        assertTrue(smaller.totalBytes() <= budget / 4);
    }

    @Test
    void corruptFilesAreDroppedAndRefetched() throws IOException {
        byte[] obj = object("sst/C", 50_000, 4);
        var cache = new DiskRangeCache(dir, 1 << 20, 1 << 16, counting);
        var r = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int off = r.nextInt(40_000);
            int len = 1 + r.nextInt(5000);
            cache.read("sst/C", off, len);
            Path file = dir.resolve(DiskRangeCache.fileName("sst/C", off, len));
            byte[] b = Files.readAllBytes(file);
            switch (trial % 3) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                default -> b = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(10));
            }
            Files.write(file, b);
            int before = backingReads.get();
            assertArrayEquals(slice(obj, off, len), cache.read("sst/C", off, len), "trial " + trial);
            assertEquals(before + 1, backingReads.get(), "refetched, trial " + trial);
            assertArrayEquals(slice(obj, off, len), cache.read("sst/C", off, len));
            assertEquals(before + 1, backingReads.get(), "the refetched copy is cached again");
        }
        assertEquals(50, cache.counters().corruptDropped());
    }

    @Test
    void interruptedWritesAreCleanedOnStart() throws IOException {
        Files.write(dir.resolve("abc.123.tmp"), new byte[100]);
        var cache = new DiskRangeCache(dir, 1 << 20, 1 << 16, counting);
        assertEquals(0, cache.totalBytes());
        assertTrue(Files.notExists(dir.resolve("abc.123.tmp")));
    }
}
