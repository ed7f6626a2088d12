package cairn.engine.lsm.sst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.StoreRangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.store.MemoryStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Damaged or hostile objects must fail with CorruptObjectException: never wrong data, never a crash or OOM. */
class SstCorruptionTest {
    private final MemoryStore store = new MemoryStore();
    private final StoreRangeReader ranges = new StoreRangeReader(store);

    /** Reads everything through a fresh reader: must equal the model or throw CorruptObjectException. */
    private boolean readsCorrectlyOrFails(SstInfo info, List<Entry> entries, Random r, String ctx) {
        try {
            var reader = SstReader.open(info, ranges, new BlockCache(0, 0));
            SstRoundTripTest.assertSameEntries(entries, SstRoundTripTest.drain(reader.scan(null, null)), ctx);
            for (int i = 0; i < 20; i++) {
                Entry e = entries.get(r.nextInt(entries.size()));
                assertTrue(TestEntries.same(TestEntries.newest(entries, e.key(), Long.MAX_VALUE), reader.get(e.key(), Long.MAX_VALUE)), ctx);
            }
            return true;
        } catch (CorruptObjectException e) {
            assertTrue(e.getMessage().contains(info.objectKey()), "message names the object: " + e.getMessage());
            return false;
        }
    }

    private boolean readInfoOrFails(SstInfo info) {
        try {
            assertEquals(info, SstReader.readInfo(store, info.id(), ranges));
            return true;
        } catch (CorruptObjectException e) {
            return false;
        }
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void flippedBytesAreDetected(Codec codec) {
        long seed = System.nanoTime();
        var r = new Random(seed);
        List<Entry> entries = TestEntries.random(r, 300, 3, 0);
        SstInfo info = new SstWriter(store, SstOptions.defaults().withCodec(codec).withBlockBytes(1024), 3).write(entries.iterator());
        byte[] good = store.get(info.objectKey()).orElseThrow().data();
        for (int trial = 0; trial < 150; trial++) {
            byte[] bad = good.clone();
            int pos = r.nextInt(bad.length);
            bad[pos] ^= (byte) (1 + r.nextInt(255));
            store.put(info.objectKey(), bad, Map.of());
            String ctx = "seed " + seed + " flip at " + pos;
            boolean fine = readsCorrectlyOrFails(info, entries, r, ctx);
            boolean infoFine = readInfoOrFails(info);
            // every byte is covered by a checksum on at least one of the two read paths
            assertTrue(!fine || !infoFine, ctx + ": flip not detected by any path");
        }
    }

    @Test
    void truncatedObjectsAreDetected() {
        var r = new Random(7);
        List<Entry> entries = TestEntries.random(r, 200, 2, 0);
        SstInfo info = new SstWriter(store, SstOptions.defaults().withBlockBytes(1024), 3).write(entries.iterator());
        byte[] good = store.get(info.objectKey()).orElseThrow().data();
        for (int len = 0; len < good.length; len += 1 + r.nextInt(97)) {
            store.put(info.objectKey(), Arrays.copyOf(good, len), Map.of());
            assertTrue(!readsCorrectlyOrFails(info, entries, r, "truncated to " + len) || len >= info.indexOffset() + info.indexLength());
            assertThrows(CorruptObjectException.class, () -> SstReader.readInfo(store, info.id(), ranges));
        }
    }

    @Test
    void hostileBlockLengthsAreRejectedBeforeAllocation() {
        // a validly checksummed block claiming 2 GiB of raw data
        var out = new ByteSink(64);
        out.put(Codec.LZ4.code).putInt(Integer.MAX_VALUE).put(new byte[] {1, 2, 3});
        out.putInt(StoredBlock.crc(out.array(), 0, out.size()));
        var e = assertThrows(CorruptObjectException.class, () -> StoredBlock.decode(out.toByteArray(), 0, out.size(), SstFormat.MAX_BLOCK_BYTES, "sst/X"));
        assertTrue(e.getMessage().startsWith("sst/X: "), e.getMessage());
        // a raw block whose restart count claims more than its length
        byte[] raw = new byte[16];
        raw[12] = (byte) 0xFF;
        raw[13] = (byte) 0xFF;
        assertThrows(CorruptObjectException.class, () -> new Block(raw, "sst/X"));
        // an index whose count claims a billion blocks
        var idx = new ByteSink(16).putVarLong(1_000_000_000L);
        assertThrows(CorruptObjectException.class, () -> BlockIndex.decode(idx.toByteArray(), 24, 1000, "sst/X"));
    }

    @Test
    void mutatedSstInfoEncodingsFailCleanly() {
        var r = new Random(11);
        List<Entry> entries = TestEntries.random(r, 50, 2, 0);
        SstInfo info = new SstWriter(store, SstOptions.defaults(), 3).write(entries.iterator());
        byte[] good = info.encode();
        for (int trial = 0; trial < 3000; trial++) {
            byte[] bad = r.nextBoolean() ? good.clone() : Arrays.copyOf(good, r.nextInt(good.length + 8));
            if (bad.length > 0) bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            try {
                SstInfo decoded = SstInfo.decode(bad, "manifest");
                assertTrue(decoded.entryCount() > 0);
            } catch (CorruptObjectException expected) {
                // fine
            } catch (RuntimeException other) {
                fail("trial " + trial + ": " + other);
            }
        }
    }
}
