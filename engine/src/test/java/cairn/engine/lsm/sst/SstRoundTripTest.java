package cairn.engine.lsm.sst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.StoreRangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;
import cairn.engine.store.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SstRoundTripTest {
    private final MemoryStore store = new MemoryStore();
    private final StoreRangeReader ranges = new StoreRangeReader(store);

    static List<Entry> drain(EntryIterator it) {
        List<Entry> out = new ArrayList<>();
        for (Entry e; (e = it.next()) != null; ) out.add(e);
        return out;
    }

    static void assertSameEntries(List<Entry> expected, List<Entry> actual, String context) {
        assertEquals(expected.size(), actual.size(), context + ": entry count");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(TestEntries.same(expected.get(i), actual.get(i)),
                    context + ": entry " + i + " expected " + TestEntries.show(expected.get(i)) + " got " + TestEntries.show(actual.get(i)));
        }
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void roundTripsRandomEntries(Codec codec) {
        long seed = System.nanoTime();
        var r = new Random(seed);
        String ctx = "seed " + seed + " codec " + codec;
        for (int round = 0; round < 3; round++) {
            List<Entry> entries = TestEntries.random(r, 1 + r.nextInt(800), 1 + r.nextInt(6), 60);
            var options = SstOptions.defaults().withCodec(codec).withBlockBytes(512 + r.nextInt(16 * 1024))
                    .withRestartInterval(1 + r.nextInt(20));
            SstInfo info = new SstWriter(store, options, 7).write(entries.iterator());
            assertEquals(entries.size(), info.entryCount(), ctx);
            assertEquals(store.head(info.objectKey()).orElseThrow().size(), info.sizeBytes(), ctx);
            assertEquals(info, SstInfo.decode(info.encode(), "test"), ctx);
            assertEquals(info, SstReader.readInfo(store, info.id(), ranges), ctx);

            var reader = SstReader.open(info, ranges, new BlockCache(r.nextBoolean() ? 0 : 1 << 20, 1 << 20));
            assertSameEntries(entries, drain(reader.scan(null, null)), ctx);

            for (int i = 0; i < 200; i++) {
                byte[] key = r.nextInt(3) == 0 ? TestEntries.key(r) : entries.get(r.nextInt(entries.size())).key();
                long maxSeq = r.nextBoolean() ? Long.MAX_VALUE : r.nextInt(10_000);
                Entry expected = TestEntries.newest(entries, key, maxSeq);
                Entry actual = reader.get(key, maxSeq);
                assertTrue(TestEntries.same(expected, actual), ctx + ": get " + TestEntries.show(expected) + " vs " + TestEntries.show(actual));
            }
            for (int i = 0; i < 30; i++) {
                byte[] from = r.nextInt(5) == 0 ? null : TestEntries.key(r);
                byte[] to = r.nextInt(5) == 0 ? null : TestEntries.key(r);
                List<Entry> expected = entries.stream()
                        .filter(e -> (from == null || Keys.compare(e.key(), from) >= 0) && (to == null || Keys.compare(e.key(), to) < 0))
                        .toList();
                assertSameEntries(expected, drain(reader.scan(from, to)), ctx + " scan");
            }
        }
    }

    @Test
    void bloomFilterRejectsMostAbsentKeys() {
        var r = new Random(42);
        List<Entry> entries = TestEntries.random(r, 3000, 1, 0);
        SstInfo info = new SstWriter(store, SstOptions.defaults(), 1).write(entries.iterator());
        var reader = SstReader.open(info, ranges, new BlockCache(1 << 20, 1 << 20));
        var present = new java.util.TreeSet<byte[]>(Keys::compare);
        entries.forEach(e -> present.add(e.key()));
        for (byte[] k : present) assertTrue(reader.mayContain(k), "no false negatives");
        int tested = 0;
        int positives = 0;
        while (tested < 10_000) {
            byte[] k = TestEntries.key(r);
            if (present.contains(k) || !info.mayContainKey(k)) continue;
            tested++;
            if (reader.mayContain(k)) positives++;
            if (tested % 10 == 0) assertNull(reader.get(k, Long.MAX_VALUE));
        }
        assertTrue(positives < tested * 0.03, "false positive rate " + positives + "/" + tested);
    }

    @Test
    void manyVersionsOfOneKeySpanBlocks() {
        List<Entry> entries = new ArrayList<>();
        byte[] key = "hot".getBytes();
        for (int s = 5000; s > 0; s--) entries.add(new Entry(key, s, s % 7 == 0 ? Entry.Kind.DELETE : Entry.Kind.PUT,
                s % 7 == 0 ? Entry.EMPTY : ("v" + s).getBytes()));
        entries.add(new Entry("z".getBytes(), 1, Entry.Kind.PUT, Entry.EMPTY));
        entries.addFirst(new Entry("a".getBytes(), 9, Entry.Kind.PUT, "x".getBytes()));
        SstInfo info = new SstWriter(store, SstOptions.defaults().withBlockBytes(512), 1).write(entries.iterator());
        var reader = SstReader.open(info, ranges, new BlockCache(1 << 20, 1 << 20));
        for (long s : new long[] {1, 2, 7, 8, 100, 2500, 4999, 5000, 9999}) {
            assertTrue(TestEntries.same(TestEntries.newest(entries, key, s), reader.get(key, s)), "seq " + s);
        }
        assertNull(reader.get(key, 0));
        assertEquals(5000, drain(reader.scan(key, "i".getBytes())).size());
    }

    @Test
    void readsThroughADamagedDiskCacheStayCorrect(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var r = new Random(21);
        List<Entry> entries = TestEntries.random(r, 400, 3, 0);
        SstInfo info = new SstWriter(store, SstOptions.defaults().withBlockBytes(1024), 1).write(entries.iterator());
        var reads = new java.util.concurrent.atomic.AtomicInteger();
        cairn.engine.lsm.cache.RangeReader counting = (k, off, len) -> {
            reads.incrementAndGet();
            return ranges.read(k, off, len);
        };
        List<java.nio.file.Path> files;
        try (var disk = new cairn.engine.lsm.cache.DiskRangeCache(dir, 1 << 20, "vol")) {
            assertSameEntries(entries, drain(SstReader.open(info, counting, new BlockCache(0, 0), disk).scan(null, null)), "cold");
            try (var walk = java.nio.file.Files.walk(dir)) {
                files = walk.filter(f -> !f.getParent().equals(dir)).filter(java.nio.file.Files::isRegularFile).toList();
            }
            assertTrue(files.size() > 10, "every block (and the index and filter) kept on disk: " + files.size());
        }
        for (var f : files) {
            byte[] b = java.nio.file.Files.readAllBytes(f);
            b[r.nextInt(b.length)] ^= 0x40;
            java.nio.file.Files.write(f, b);
        }
        try (var restarted = new cairn.engine.lsm.cache.DiskRangeCache(dir, 1 << 20, "vol")) {
            assertSameEntries(entries, drain(SstReader.open(info, counting, new BlockCache(0, 0), restarted).scan(null, null)), "damaged");
            assertTrue(restarted.counters().corruptDropped() > 0);
            assertEquals(0, restarted.counters().hits(), "no damaged file served");
            reads.set(0);
            assertSameEntries(entries, drain(SstReader.open(info, counting, new BlockCache(0, 0), restarted).scan(null, null)), "repaired");
            assertEquals(0, reads.get(), "every block of the scan served from the repaired disk cache");
        }
    }

    @Test
    void scansReadAheadButShortScansReadOneBlock() {
        List<Entry> entries = new ArrayList<>();
        var r = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] v = new byte[100];
            r.nextBytes(v);
            entries.add(new Entry(String.format("k%08d", i).getBytes(), 1, Entry.Kind.PUT, v));
        }
        SstInfo info = new SstWriter(store, SstOptions.defaults().withCodec(Codec.NONE).withBlockBytes(4096), 1).write(entries.iterator());
        var reads = new java.util.concurrent.atomic.AtomicInteger();
        cairn.engine.lsm.cache.RangeReader counting = (k, off, len) -> {
            reads.incrementAndGet();
            return ranges.read(k, off, len);
        };
        var reader = SstReader.open(info, counting, new BlockCache(0, 1 << 20));
        reads.set(0);
        assertEquals(20_000, drain(reader.scan(null, null, false)).size());
        int blocks = (int) (info.sizeBytes() / 4096);
        assertTrue(blocks > 400, "blocks " + blocks);
        assertTrue(reads.get() < 12, "full scan of " + blocks + " blocks took " + reads.get() + " reads");
        reads.set(0);
        assertEquals(3, drain(reader.scan("k00001000".getBytes(), "k00001003".getBytes())).size());
        assertEquals(1, reads.get());
    }

    @Test
    void openReadersAreEvictable() {
        var r = new Random(5);
        var reads = new java.util.concurrent.atomic.AtomicInteger();
        cairn.engine.lsm.cache.RangeReader counting = (k, off, len) -> {
            reads.incrementAndGet();
            return ranges.read(k, off, len);
        };
        // room for every reader: Caffeine evicts by weight asynchronously, which made the cached-read check flaky
        var readers = new SstReaders(counting, new BlockCache(1 << 20, 0), 1 << 20);
        List<SstInfo> infos = new ArrayList<>();
        for (int i = 0; i < 20; i++) infos.add(new SstWriter(store, SstOptions.defaults(), 1).write(TestEntries.random(r, 200, 1, 0).iterator()));
        for (SstInfo i : infos) readers.reader(i);
        assertTrue(reads.get() >= 40, "index and filter read per SST");
        SstInfo one = infos.getFirst();
        Entry e = readers.reader(one).scan(null, null).next();
        assertTrue(TestEntries.same(e, readers.reader(one).get(e.key(), Long.MAX_VALUE)));
        int before = reads.get();
        readers.reader(one).get(e.key(), Long.MAX_VALUE);
        assertEquals(before, reads.get(), "block cached");
        readers.evict(List.of(one));
        readers.reader(one).get(e.key(), Long.MAX_VALUE);
        assertTrue(reads.get() > before, "evicted SST re-read from the store");
    }

    @Test
    void rejectsOutOfOrderAndEmptyInput() {
        var w = new SstWriter(store, SstOptions.defaults(), 1).builder();
        w.add(new Entry("b".getBytes(), 5, Entry.Kind.PUT, Entry.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> w.add(new Entry("a".getBytes(), 5, Entry.Kind.PUT, Entry.EMPTY)));
        assertThrows(IllegalArgumentException.class, () -> w.add(new Entry("b".getBytes(), 5, Entry.Kind.PUT, Entry.EMPTY)));
        assertThrows(IllegalArgumentException.class, () -> w.add(new Entry("b".getBytes(), 6, Entry.Kind.PUT, Entry.EMPTY)));
        assertThrows(IllegalStateException.class, () -> new SstWriter(store, SstOptions.defaults(), 1).builder().finish());
    }

    @Test
    void ulidsAreOrderedAndRoundTrip() {
        Ulid prev = Ulid.next();
        for (int i = 0; i < 10_000; i++) {
            Ulid u = Ulid.next();
            assertTrue(u.compareTo(prev) > 0);
            assertTrue(u.toString().compareTo(prev.toString()) > 0);
            assertEquals(u, Ulid.parse(u.toString()));
            prev = u;
        }
        assertTrue(Math.abs(prev.timestampMs() - System.currentTimeMillis()) < 60_000);
    }
}
