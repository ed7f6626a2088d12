package cairn.engine.lsm.sst;

import cairn.engine.lsm.codec.CorruptObjectException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.StoreRangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SstTableFormatTest {
    private final MemoryStore store = new MemoryStore();
    private final AtomicInteger retries = new AtomicInteger();
    private final RetryPolicy retry = RetryPolicy.defaults(retries::incrementAndGet);

    private SstTableFormat format(long epoch) {
        var readers = new SstReaders(new StoreRangeReader(store, retry), new BlockCache(1 << 20, 1 << 20));
        return new SstTableFormat(readers, e -> new SstWriter(store, SstOptions.defaults(), e, retry), () -> epoch);
    }

    @Test
    void writesAndReadsThroughTheEngineSeam() {
        var r = new Random(17);
        List<Entry> entries = TestEntries.random(r, 500, 3, 0);
        SstHandle handle = format(4).write(entries.iterator());
        assertEquals(entries.getFirst().key().length, handle.firstKey().length);
        assertEquals(store.head(handle.objectKey()).orElseThrow().size(), handle.sizeBytes());

        var fresh = format(4).open(handle); // another process: reads footer and index
        List<Entry> scanned = new ArrayList<>();
        fresh.scan(null, null).forEachRemaining(scanned::add);
        SstRoundTripTest.assertSameEntries(entries, scanned, "scan");
        for (int i = 0; i < 100; i++) {
            Entry e = entries.get(r.nextInt(entries.size()));
            assertTrue(TestEntries.same(TestEntries.newest(entries, e.key(), e.seq()), fresh.get(e.key(), e.seq())));
        }
        assertEquals(4, SstReader.readInfo(store, Ulid.parse(handle.id()), new StoreRangeReader(store)).writerEpoch());
        assertEquals(0, retries.get());
    }

    @Test
    void foreignIdsAreRejected() {
        var h = new SstHandle("0001700000000000-abcdef", new byte[] {1}, new byte[] {2}, 100, 1);
        assertThrows(CorruptObjectException.class, () -> format(1).open(h));
    }
}
