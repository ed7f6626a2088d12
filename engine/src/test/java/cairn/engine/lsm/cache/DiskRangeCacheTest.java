package cairn.engine.lsm.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskRangeCacheTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Bytes of every cache file (what the budget counts), found by walking the directory. */
    private long bytesOnDisk() throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getParent().equals(dir))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void servesFromDiskAfterRestart() {
        byte[] a = bytes(4000, 1);
        try (var cache = new DiskRangeCache(dir, 1 << 20, "vol")) {
            assertNull(cache.get("sst/A", 100, 4000));
            cache.put("sst/A", 100, a);
            assertArrayEquals(a, cache.get("sst/A", 100, 4000));
            assertEquals(1, cache.counters().hits());
            assertEquals(1, cache.counters().misses());
        }
        try (var reopened = new DiskRangeCache(dir, 1 << 20, "vol")) {
            assertEquals(1, reopened.counters().entries());
            assertArrayEquals(a, reopened.get("sst/A", 100, 4000), "served from the files of the previous instance");
            assertNull(reopened.get("sst/A", 100, 3999), "another range of the same object is another entry");
            assertNull(reopened.get("sst/A", 101, 4000));
            assertNull(reopened.get("sst/B", 100, 4000));
        }
    }

    @Test
    void staysWithinItsBudgetOfBytesAndEntries() throws IOException {
        long budget = 64 * 1024;
        var r = new Random(3);
        try (var cache = new DiskRangeCache(dir, budget, "vol")) {
            for (int i = 0; i < 500; i++) {
                int len = 1 + r.nextInt(8192);
                cache.put("sst/B" + r.nextInt(20), r.nextInt(1 << 20), bytes(len, i));
                assertTrue(cache.totalBytes() <= budget);
                assertTrue(cache.counters().entries() <= budget / DiskRangeCache.BYTES_PER_ENTRY_MIN);
            }
            assertEquals(cache.totalBytes(), bytesOnDisk());
            assertTrue(cache.counters().evictions() > 0);
            cache.put("sst/C", 0, new byte[(int) (budget / 8) + 1]);
            assertNull(cache.get("sst/C", 0, (int) (budget / 8) + 1), "a range over an eighth of the budget is not kept");
        }
        try (var smaller = new DiskRangeCache(dir, budget / 4, "vol")) {
            assertTrue(smaller.totalBytes() <= budget / 4, "a smaller budget on restart evicts down to it");
            assertEquals(smaller.totalBytes(), bytesOnDisk());
        }
    }

    @Test
    void restartKeepsTheMostRecentlyUsed() throws IOException {
        int[] useOrder = {4, 9, 0, 7, 2, 5, 8, 1, 3, 6}; // least recently used first
        try (var cache = new DiskRangeCache(dir, 1 << 20, "vol")) {
            for (int i = 0; i < 10; i++) cache.put("sst/" + i, 0, bytes(1000, i));
            // what hits leave in the files' mtimes
            long t = System.currentTimeMillis() - 100_000;
            for (int i : useOrder) Files.setLastModifiedTime(cache.file("sst/" + i, 0, 1000), FileTime.fromMillis(t += 1000));
        }
        try (var smaller = new DiskRangeCache(dir, 8200, "vol")) { // room for 7 files of 1027 bytes
            assertEquals(7, smaller.counters().entries());
            for (int k = 0; k < 10; k++) {
                int i = useOrder[k];
                if (k < 3) assertNull(smaller.get("sst/" + i, 0, 1000), "evicted " + i);
                else assertArrayEquals(bytes(1000, i), smaller.get("sst/" + i, 0, 1000), "kept " + i);
            }
        }
    }

    @Test
    void damagedFilesAreDroppedNeverServed() throws IOException {
        var r = new Random(5);
        try (var cache = new DiskRangeCache(dir, 1 << 20, "vol")) {
            for (int trial = 0; trial < 60; trial++) {
                int off = r.nextInt(40_000);
                int len = 1 + r.nextInt(5000);
                String key = "sst/C" + trial;
                cache.put(key, off, bytes(len, trial));
                Path file = cache.file(key, off, len);
                byte[] b = Files.readAllBytes(file);
                switch (trial % 4) {
                    case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                    case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                    case 2 -> b = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(10));
                    default -> b = new byte[0];
                }
                Files.write(file, b);
                assertNull(cache.get(key, off, len), "trial " + trial);
                assertTrue(Files.notExists(file), "damaged file deleted, trial " + trial);
                cache.put(key, off, bytes(len, trial));
                assertArrayEquals(bytes(len, trial), cache.get(key, off, len), "a fresh copy is cached again");
            }
            assertEquals(60, cache.counters().corruptDropped());
            assertEquals(60, cache.counters().entries());
            assertEquals(cache.totalBytes(), bytesOnDisk());
        }
    }

    @Test
    void aFileMovedToAnotherRangesNameIsRejected() throws IOException {
        try (var cache = new DiskRangeCache(dir, 1 << 20, "vol")) {
            cache.put("sst/A", 0, bytes(100, 1));
            cache.put("sst/A", 100, bytes(100, 2));
            // a valid file under another range's name: the header names its real range
            Files.copy(cache.file("sst/A", 0, 100), cache.file("sst/A", 100, 100), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertNull(cache.get("sst/A", 100, 100));
            assertEquals(1, cache.counters().corruptDropped());
        }
    }

    @Test
    void invalidateDropsEveryRangeOfTheObjects() throws IOException {
        try (var cache = new DiskRangeCache(dir, 1 << 20, "vol")) {
            for (int i = 0; i < 5; i++) {
                cache.put("sst/gone", i * 100L, bytes(100, i));
                cache.put("seg/gone", i * 100L, bytes(100, i));
                cache.put("sst/kept", i * 100L, bytes(100, i));
            }
            cache.invalidate(List.of("sst/gone", "seg/gone"));
            assertEquals(5, cache.counters().entries());
            assertEquals(cache.totalBytes(), bytesOnDisk());
            for (int i = 0; i < 5; i++) {
                assertNull(cache.get("sst/gone", i * 100L, 100));
                assertArrayEquals(bytes(100, i), cache.get("sst/kept", i * 100L, 100));
            }
        }
    }

    @Test
    void interruptedWritesAreCleanedAndForeignFilesLeftAlone() throws IOException {
        Files.createDirectories(dir.resolve("ab"));
        Path tmp = dir.resolve("ab").resolve("abcdef0123456789-0-10.123.tmp");
        Files.write(tmp, new byte[100]);
        Path foreign = dir.resolve("ab").resolve("notes.txt");
        Files.write(foreign, new byte[100]);
        try (var cache = new DiskRangeCache(dir, 1 << 20, "vol")) {
            assertEquals(0, cache.totalBytes());
        }
        assertTrue(Files.notExists(tmp));
        assertTrue(Files.exists(foreign));
    }

    @Test
    void anotherVolumesCacheIsEmptiedOnOpen() throws IOException {
        try (var cache = new DiskRangeCache(dir, 1 << 20, "s3://one/")) {
            cache.put("wal/00000000000000000001", 0, bytes(100, 1));
        }
        try (var cache = new DiskRangeCache(dir, 1 << 20, "s3://two/")) {
            assertEquals(0, cache.counters().entries());
            assertNull(cache.get("wal/00000000000000000001", 0, 100));
            assertEquals(0, bytesOnDisk());
        }
    }

    @Test
    void oneOpenCachePerDirectory() {
        try (var cache = new DiskRangeCache(dir, 1 << 20, "vol")) {
            var e = assertThrows(IllegalStateException.class, () -> new DiskRangeCache(dir, 1 << 20, "vol"));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
        new DiskRangeCache(dir, 1 << 20, "vol").close(); // released by close
    }
}
