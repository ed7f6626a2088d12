package cairn.engine.lsm.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.StoreRangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;
import cairn.engine.lsm.iter.MergedEntries;
import cairn.engine.lsm.iter.MergingIterator;
import cairn.engine.lsm.sst.Codec;
import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import cairn.engine.lsm.sst.SstOptions;
import cairn.engine.lsm.sst.SstReaders;
import cairn.engine.lsm.sst.SstWriter;
import cairn.engine.lsm.sst.TestEntries;
import cairn.engine.store.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CompactionTest {
    private final MemoryStore store = new MemoryStore();
    private final SstReaders readers = new SstReaders(new StoreRangeReader(store), new BlockCache(1 << 22, 1 << 22));
    private final SstWriter writer = new SstWriter(store, SstOptions.defaults().withBlockBytes(1024).withCodec(Codec.LZ4), 5);

    private List<EntryIterator> sources(LsmShape shape) {
        List<EntryIterator> s = new ArrayList<>();
        for (SstInfo i : shape.l0()) s.add(readers.scan(i, null, null, true));
        for (SortedRun r : shape.runs()) s.add(readers.scan(r, null, null, true));
        return s;
    }

    private List<Entry> visible(LsmShape shape, long snapshot) {
        List<Entry> out = new ArrayList<>();
        try (var it = new MergingIterator(sources(shape), snapshot)) {
            for (Entry e; (e = it.next()) != null; ) out.add(e);
        }
        return out;
    }

    private List<Entry> allVersions(LsmShape shape) {
        List<Entry> out = new ArrayList<>();
        try (var it = new MergedEntries(sources(shape))) {
            for (Entry e; (e = it.next()) != null; ) out.add(e);
        }
        return out;
    }

    private static List<Entry> model(List<Entry> history, long snapshot) {
        var m = new TreeMap<byte[], Entry>(Keys::compare);
        for (Entry e : history) if (e.seq() <= snapshot) m.put(e.key(), e);
        return m.values().stream().filter(e -> e.kind() != Entry.Kind.DELETE).toList();
    }

    private static void assertSame(List<Entry> expected, List<Entry> actual, String ctx) {
        assertEquals(expected.size(), actual.size(), ctx);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(TestEntries.same(expected.get(i), actual.get(i)), ctx + " at " + i + ": "
                    + TestEntries.show(expected.get(i)) + " vs " + TestEntries.show(actual.get(i)));
        }
    }

    private SstInfo l0(List<Entry> memtable) {
        List<Entry> sorted = new ArrayList<>(memtable);
        sorted.sort(TestEntries.ENGINE_ORDER);
        return writer.write(sorted.iterator());
    }

    @Test
    void randomWorkloadsMatchTheModel() {
        long seed = System.nanoTime();
        for (int round = 0; round < 3; round++) {
            runWorkload(new Random(seed + round), "seed " + (seed + round));
        }
    }

    private void runWorkload(Random r, String ctx) {
        var options = new CompactionOptions(2 + r.nextInt(3), 2 + r.nextInt(6), 2, 2 + r.nextInt(3), 1.5 + r.nextInt(4),
                4 + r.nextInt(4), 4096 + r.nextInt(16384), r.nextBoolean());
        var planner = new CompactionPlanner(options);
        var executor = new CompactionExecutor(readers, writer, store, options.sstTargetBytes());
        LsmShape shape = LsmShape.empty();
        List<Entry> history = new ArrayList<>();
        Set<String> pointersFlushed = new HashSet<>();
        Set<String> pointersDropped = new HashSet<>();
        long seq = 0;
        long retentionFloor = 0; // no snapshot below this may be read any more
        int keySpace = 20 + r.nextInt(400);
        for (int flush = 0; flush < 25; flush++) {
            List<Entry> memtable = new ArrayList<>();
            int writes = 1 + r.nextInt(200);
            // sometimes write a disjoint key range, so trivial moves happen
            int base = r.nextInt(4) == 0 ? r.nextInt(keySpace) : 0;
            int span = base == 0 ? keySpace : 10;
            for (int w = 0; w < writes; w++) {
                byte[] key = String.format("key%06d", base + r.nextInt(span)).getBytes(StandardCharsets.US_ASCII);
                seq++;
                int k = r.nextInt(10);
                Entry e = k < 2 ? new Entry(key, seq, Entry.Kind.DELETE, Entry.EMPTY)
                        : k < 4 ? new Entry(key, seq, Entry.Kind.POINTER, ("p" + seq).getBytes())
                        : new Entry(key, seq, Entry.Kind.PUT, TestEntries.value(r, 0));
                memtable.add(e);
                history.add(e);
                if (e.kind() == Entry.Kind.POINTER) pointersFlushed.add("p" + seq);
            }
            List<SstInfo> l0 = new ArrayList<>(shape.l0());
            l0.addFirst(l0(memtable));
            shape = new LsmShape(l0, shape.runs());

            for (int jobs = 0; jobs < 50; jobs++) {
                var job = planner.plan(shape);
                if (job.isEmpty()) break;
                long minRetained = r.nextBoolean() ? seq : retentionFloor + (seq == retentionFloor ? 0 : r.nextLong(seq - retentionFloor + 1));
                retentionFloor = Math.max(retentionFloor, minRetained);
                var result = executor.execute(job.get(), minRetained, v -> assertTrue(pointersDropped.add(new String(v)), "dropped twice"));
                if (job.get().trivialMove()) assertTrue(result.written().isEmpty());
                shape = result.applyTo(shape);
                readers.evict(result.obsolete());
            }
            for (long snap : new long[] {seq, retentionFloor, retentionFloor + r.nextLong(seq - retentionFloor + 1)}) {
                assertSame(model(history, snap), visible(shape, snap), ctx + " flush " + flush + " snapshot " + snap);
            }
            for (int g = 0; g < 20; g++) {
                byte[] key = String.format("key%06d", r.nextInt(keySpace)).getBytes(StandardCharsets.US_ASCII);
                Entry expected = null;
                for (Entry e : history) if (Arrays.equals(e.key(), key)) expected = e;
                Entry actual = get(shape, key, seq);
                if (expected != null && expected.kind() == Entry.Kind.DELETE) expected = null;
                if (actual != null && actual.kind() == Entry.Kind.DELETE) actual = null;
                assertTrue(TestEntries.same(expected, actual), ctx + " get");
            }
        }
        // every flushed pointer is either still stored or was reported dropped, never both
        Set<String> stored = new HashSet<>();
        for (Entry e : allVersions(shape)) if (e.kind() == Entry.Kind.POINTER) stored.add(new String(e.value()));
        for (String p : pointersDropped) assertFalse(stored.contains(p), ctx + " dropped pointer still stored: " + p);
        stored.addAll(pointersDropped);
        assertEquals(pointersFlushed, stored, ctx);
    }

    /** Point read as the engine would do it: L0 newest first, then runs newest first; first hit wins by seq. */
    private Entry get(LsmShape shape, byte[] key, long maxSeq) {
        Entry best = null;
        for (SstInfo s : shape.l0()) best = newer(best, readers.reader(s).get(key, maxSeq));
        for (SortedRun run : shape.runs()) best = newer(best, readers.get(run, key, maxSeq));
        return best;
    }

    private static Entry newer(Entry a, Entry b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.seq() >= b.seq() ? a : b;
    }

    private static final class Arrays {
        static boolean equals(byte[] a, byte[] b) {
            return java.util.Arrays.equals(a, b);
        }
    }

    @Test
    void tombstonesAreDroppedOnlyAtTheBottom() {
        byte[] k = "k".getBytes();
        var options = new CompactionOptions(1, 10, 2, 2, 100, 10, 1 << 20, false);
        var planner = new CompactionPlanner(options);
        var executor = new CompactionExecutor(readers, writer, store, options.sstTargetBytes());
        SortedRun oldest = new SortedRun(0, List.of(l0(List.of(new Entry(k, 1, Entry.Kind.PUT, "v".getBytes())))));
        SortedRun middle = new SortedRun(1, List.of(l0(List.of(new Entry(k, 2, Entry.Kind.DELETE, Entry.EMPTY)))));
        SortedRun newest = new SortedRun(2, List.of(l0(List.of(new Entry("j".getBytes(), 3, Entry.Kind.PUT, Entry.EMPTY)))));
        var shape = new LsmShape(List.of(), List.of(newest, middle, oldest));

        var job = planner.plan(shape).orElseThrow();
        assertEquals(List.of(newest, middle), job.runs());
        assertFalse(job.bottom());
        var result = executor.execute(job, 10, PointerDropListener.NONE);
        assertEquals(0, result.stats().tombstonesDropped());
        shape = result.applyTo(shape);
        assertEquals(List.of(2L, 0L), shape.runs().stream().map(SortedRun::id).toList());
        assertTrue(allVersions(shape).stream().anyMatch(e -> e.kind() == Entry.Kind.DELETE), "tombstone kept above the bottom");
        assertTrue(visible(shape, 10).stream().noneMatch(e -> Arrays.equals(e.key(), k)));

        job = planner.plan(shape).orElseThrow();
        assertTrue(job.bottom());
        result = executor.execute(job, 10, PointerDropListener.NONE);
        assertEquals(1, result.stats().tombstonesDropped());
        assertEquals(1, result.stats().versionsDropped());
        shape = result.applyTo(shape);
        assertEquals(List.of("j"), allVersions(shape).stream().map(e -> new String(e.key())).toList());
    }

    @Test
    void versionsNeededBySnapshotsSurvive() {
        byte[] k = "k".getBytes();
        var shape = new LsmShape(List.of(
                l0(List.of(new Entry(k, 30, Entry.Kind.PUT, "c".getBytes()))),
                l0(List.of(new Entry(k, 20, Entry.Kind.DELETE, Entry.EMPTY))),
                l0(List.of(new Entry(k, 10, Entry.Kind.POINTER, "ptr10".getBytes()), new Entry(k, 5, Entry.Kind.POINTER, "ptr5".getBytes())))),
                List.of());
        var job = new CompactionPlanner(new CompactionOptions(3, 3, 2, 2, 2, 4, 1 << 20, true)).plan(shape).orElseThrow();
        assertTrue(job.bottom());
        assertFalse(job.trivialMove(), "same key in every L0");
        List<String> dropped = new ArrayList<>();
        var result = new CompactionExecutor(readers, writer, store, 1 << 20).execute(job, 15, v -> dropped.add(new String(v)));
        assertEquals(List.of("ptr5"), dropped, "only the version below the oldest snapshot's view");
        shape = result.applyTo(shape);
        assertEquals(List.of(30L, 20L, 10L), allVersions(shape).stream().map(Entry::seq).toList());
        assertEquals("ptr10", new String(visible(shape, 15).getFirst().value()));
        assertTrue(visible(shape, 25).isEmpty());
    }

    @Test
    void disjointL0sMoveWithoutRewriting() {
        var shape = new LsmShape(List.of(
                l0(List.of(new Entry("c".getBytes(), 3, Entry.Kind.PUT, Entry.EMPTY))),
                l0(List.of(new Entry("a".getBytes(), 2, Entry.Kind.PUT, Entry.EMPTY))),
                l0(List.of(new Entry("b".getBytes(), 1, Entry.Kind.DELETE, Entry.EMPTY)))), List.of());
        int objects = store.list("sst/", null, 1000).objects().size();
        var job = new CompactionPlanner(new CompactionOptions(3, 8, 2, 4, 2, 4, 1 << 20, true)).plan(shape).orElseThrow();
        assertTrue(job.trivialMove());
        var result = new CompactionExecutor(readers, writer, store, 1 << 20).execute(job, 100, PointerDropListener.NONE);
        assertTrue(result.written().isEmpty());
        assertTrue(result.obsolete().isEmpty());
        assertEquals(objects, store.list("sst/", null, 1000).objects().size());
        var run = result.output().orElseThrow();
        assertEquals(List.of("a", "b", "c"), run.ssts().stream().map(s -> new String(s.firstKey())).toList());
    }

    @Test
    void everythingDroppedLeavesNoRun() {
        byte[] k = "k".getBytes();
        var shape = new LsmShape(List.of(l0(List.of(new Entry(k, 2, Entry.Kind.DELETE, Entry.EMPTY), new Entry(k, 1, Entry.Kind.PUT, Entry.EMPTY)))), List.of());
        var job = new CompactionPlanner(new CompactionOptions(1, 8, 2, 4, 2, 4, 1 << 20, false)).plan(shape).orElseThrow();
        var result = new CompactionExecutor(readers, writer, store, 1 << 20).execute(job, 5, PointerDropListener.NONE);
        assertTrue(result.output().isEmpty());
        assertEquals(2, result.stats().entriesIn());
        assertEquals(LsmShape.empty(), result.applyTo(shape));
    }

    @Test
    void plannerPrefersL0ThenSimilarRunsThenForcesMerges() {
        var options = new CompactionOptions(4, 8, 3, 4, 2.0, 5, 1 << 20, false);
        var planner = new CompactionPlanner(options);
        assertTrue(planner.plan(LsmShape.empty()).isEmpty());
        // sizes: 1, 10, 11, 12, 100 -> the three similar ones
        List<SortedRun> runs = new ArrayList<>();
        int[] kb = {1, 10, 11, 12, 100};
        for (int i = 0; i < kb.length; i++) {
            List<Entry> es = new ArrayList<>();
            var r = new Random(i);
            byte[] v = new byte[kb[i] * 1024];
            r.nextBytes(v);
            es.add(new Entry(("k" + i).getBytes(), 1, Entry.Kind.PUT, v));
            runs.add(new SortedRun(kb.length - i, List.of(l0(es))));
        }
        var job = planner.plan(new LsmShape(List.of(), runs)).orElseThrow();
        assertEquals(List.of(runs.get(1), runs.get(2), runs.get(3)), job.runs());
        assertFalse(job.bottom());
        assertEquals(runs.get(1).id(), job.outputRunId());
        // sizes 1, 100, 1, 100, 1, 100 (6 > runsMax 5): nothing similar, forced cheapest window of 3
        List<SortedRun> zigzag = new ArrayList<>();
        for (int i = 0; i < 6; i++) zigzag.add(new SortedRun(6 - i, runs.get(i % 2 == 0 ? 0 : 4).ssts()));
        job = planner.plan(new LsmShape(List.of(), zigzag)).orElseThrow();
        assertEquals(3, job.runs().size());
        assertEquals(zigzag.get(0), job.runs().getFirst());
        // L0 first: takes the oldest l0PerJobMax L0s
        List<SstInfo> l0 = new ArrayList<>();
        for (int i = 0; i < 10; i++) l0.add(l0(List.of(new Entry("x".getBytes(), 100 - i, Entry.Kind.PUT, Entry.EMPTY))));
        job = planner.plan(new LsmShape(l0, runs)).orElseThrow();
        assertEquals(l0.subList(2, 10), job.l0());
        assertEquals(6, job.outputRunId());
        assertFalse(job.bottom());
    }
}
