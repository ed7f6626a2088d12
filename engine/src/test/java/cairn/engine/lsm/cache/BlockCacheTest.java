package cairn.engine.lsm.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockCacheTest {
    @Test
    void countsHitsAndMissesAndKeepsBudgetsApart() {
        var cache = new BlockCache(100_000, 50_000);
        var loads = new AtomicInteger();
        byte[] meta = cache.metadata(new RangeKey("sst/M", 0, 10), k -> {
            loads.incrementAndGet();
            return new byte[20_000];
        });
        for (int i = 0; i < 200; i++) {
            int n = i;
            cache.data(new RangeKey("sst/D", n * 4096L, 4096), k -> {
                loads.incrementAndGet();
                return new byte[4096];
            });
        }
        cache.cleanUp();
        var c = cache.counters();
        assertEquals(200, c.dataMisses());
        assertTrue(c.dataBytes() <= 100_000, "data within budget: " + c.dataBytes());
        // scanning data never evicted the metadata
        assertSame(meta, cache.metadata(new RangeKey("sst/M", 0, 10), k -> new byte[1]));
        assertEquals(1, cache.counters().metadataHits());

        var fresh = new BlockCache(100_000, 50_000);
        fresh.data(new RangeKey("sst/D", 0, 4096), k -> new byte[4096]);
        assertEquals(4096, fresh.data(new RangeKey("sst/D", 0, 4096), k -> new byte[1]).length);
        assertEquals(1, fresh.counters().dataHits());
        assertEquals(1, fresh.counters().dataMisses());

        fresh.data(new RangeKey("sst/E", 0, 1), k -> new byte[1], false);
        byte[] again = fresh.data(new RangeKey("sst/E", 0, 1), k -> new byte[2], false);
        assertEquals(2, again.length, "no-fill reads are not inserted");

        cache.invalidate(List.of("sst/M"));
        assertEquals(1, cache.metadata(new RangeKey("sst/M", 0, 10), k -> new byte[1]).length);
    }
}
