package cairn.engine.fs;

import cairn.engine.fs.data.StaleExtents;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.store.MetaStore;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** The range set behind truncation tombstones, against a plain set of indexes. */
class StaleExtentsTest {

    @Test
    void addMergesAndRemoveSplits() {
        StaleExtents s = new StaleExtents();
        s.add(10, 20);
        s.add(30, 40);
        assertEquals(2, s.size());
        s.add(20, 30); // adjacent on both sides: one range
        assertEquals(1, s.size());
        assertEquals(new StaleExtents.Range(10, 40), s.first());
        s.remove(15, 16);
        assertEquals(2, s.size());
        assertFalse(s.contains(15));
        assertTrue(s.contains(14) && s.contains(16));
        assertTrue(s.overlaps(0, 11));
        assertFalse(s.overlaps(40, 50));
        assertFalse(s.overlaps(15, 16));
        assertEquals(new StaleExtents.Range(10, 15), s.smallest());
        s.remove(0, 100);
        assertTrue(s.isEmpty());
    }

    @Test
    void matchesASetOfIndexes() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        StaleExtents s = new StaleExtents();
        TreeSet<Long> model = new TreeSet<>();
        for (int step = 0; step < 2000; step++) {
            long from = rnd.nextInt(200), to = from + rnd.nextInt(30);
            if (rnd.nextInt(3) == 0) {
                s.add(from, to);
                for (long i = from; i < to; i++) model.add(i);
            } else {
                s.remove(from, to);
                model.subSet(from, to).clear();
            }
            for (long i = 0; i < 240; i++) assertEquals(model.contains(i), s.contains(i), "seed " + seed + " index " + i);
            long a = rnd.nextInt(240), b = a + 1 + rnd.nextInt(20);
            assertEquals(!model.subSet(a, b).isEmpty(), s.overlaps(a, b), "seed " + seed + " overlaps");
        }
    }

    @Test
    void roundTripsThroughTheTombstoneAndReadsTheFirstFormat() {
        MemoryDb db = new MemoryDb();
        MetaStore store = new MetaStore(db, ValueTransform.IDENTITY);
        var t = new cairn.engine.fs.store.Txn(ValueTransform.IDENTITY, false);
        StaleExtents s = new StaleExtents();
        s.add(3, 7);
        s.add(9, StaleExtents.ALL);
        s.stage(t, 42);
        new cairn.engine.fs.store.Committer(db, ValueTransform.IDENTITY, 0, false).commit(t);
        StaleExtents back = StaleExtents.load(store, 42);
        assertEquals(2, back.size());
        assertTrue(back.contains(5) && !back.contains(8) && back.contains(1L << 40));
        db.put(FsKeys.tombstone(43), cairn.engine.fs.schema.Longs.encode(12345)); // a removed file, first format
        StaleExtents old = StaleExtents.load(store, 43);
        assertEquals(new StaleExtents.Range(0, StaleExtents.ALL), old.first());
    }
}
