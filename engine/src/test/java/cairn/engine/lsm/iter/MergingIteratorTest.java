package cairn.engine.lsm.iter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.sst.TestEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MergingIteratorTest {

    /** A history of writes with unique increasing seqs, spread over sources; the model replays it per snapshot. */
    @Test
    void matchesTreeMapModelAtEverySnapshot() {
        long seed = System.nanoTime();
        var r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            String ctx = "seed " + seed + " round " + round;
            int sourceCount = 1 + r.nextInt(6);
            List<List<Entry>> sources = new ArrayList<>();
            for (int i = 0; i < sourceCount; i++) sources.add(new ArrayList<>());
            List<Entry> history = new ArrayList<>();
            int keySpace = 1 + r.nextInt(60);
            int writes = r.nextInt(400);
            for (long seq = 1; seq <= writes; seq++) {
                byte[] key = ("k" + r.nextInt(keySpace)).getBytes();
                Entry e = r.nextInt(4) == 0 ? new Entry(key, seq, Entry.Kind.DELETE, Entry.EMPTY)
                        : new Entry(key, seq, r.nextInt(5) == 0 ? Entry.Kind.POINTER : Entry.Kind.PUT, ("v" + seq).getBytes());
                history.add(e);
                sources.get(r.nextInt(sourceCount)).add(e);
                if (r.nextInt(20) == 0) sources.get(r.nextInt(sourceCount)).add(e); // duplicated across sources
            }
            for (List<Entry> s : sources) s.sort(TestEntries.ENGINE_ORDER);
            for (int q = 0; q < 5; q++) {
                long snapshot = r.nextInt(writes + 2);
                boolean keep = r.nextBoolean();
                var model = new TreeMap<byte[], Entry>(Keys::compare);
                for (Entry e : history) if (e.seq() <= snapshot) model.put(e.key(), e);
                List<Entry> expected = new ArrayList<>();
                for (Map.Entry<byte[], Entry> m : model.entrySet()) {
                    if (keep || m.getValue().kind() != Entry.Kind.DELETE) expected.add(m.getValue());
                }
                List<Entry> actual = new ArrayList<>();
                try (var it = new MergingIterator(sources.stream().map(s -> EntryIterator.of(s.iterator())).toList(), snapshot, keep)) {
                    for (Entry e; (e = it.next()) != null; ) actual.add(e);
                }
                assertEquals(expected.size(), actual.size(), ctx + " snapshot " + snapshot);
                for (int i = 0; i < expected.size(); i++) assertTrue(TestEntries.same(expected.get(i), actual.get(i)), ctx);
            }
        }
    }

    @Test
    void mergedEntriesKeepsEveryVersionOnceInEngineOrder() {
        var r = new Random(9);
        List<Entry> all = TestEntries.random(r, 300, 5, 0);
        List<List<Entry>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Entry e : all) {
            parts.get(r.nextInt(3)).add(e);
            if (r.nextInt(10) == 0) parts.get(r.nextInt(3)).add(e);
        }
        for (List<Entry> p : parts) p.sort(TestEntries.ENGINE_ORDER);
        List<Entry> out = new ArrayList<>();
        try (var m = new MergedEntries(parts.stream().map(p -> EntryIterator.of(p.iterator())).toList())) {
            for (Entry e; (e = m.next()) != null; ) out.add(e);
        }
        assertEquals(all.size(), out.size());
        for (int i = 0; i < all.size(); i++) assertTrue(TestEntries.same(all.get(i), out.get(i)));
    }
}
