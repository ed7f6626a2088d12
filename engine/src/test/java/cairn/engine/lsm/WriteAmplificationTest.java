package cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.MemoryStore;
import cairn.engine.store.MeteredStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bytes PUT to the bucket per user byte written (WAL + L0 SSTs + manifests), for 32 KiB file extents (which stay
 * in their WAL object; SSTs hold pointers) and for small values (written twice: WAL, then L0).
 */
class WriteAmplificationTest {

    static double measure(int count, int valueBytes, LsmOptions options) {
        var bucket = new MemoryStore();
        var registry = new SimpleMeterRegistry();
        var counting = new MeteredStore(bucket, registry);
        java.util.function.LongSupplier bytesPut = () -> (long) registry.find("cairn.store.bytes").tag("direction", "out")
                .counters().stream().mapToDouble(c -> c.count()).sum();
        long userBytes = 0;
        var rnd = new Random(42);
        try (var db = LsmDb.openWriter(counting, options, 1)) {
            long setup = bytesPut.getAsLong();
            for (int i = 0; i < count; i++) {
                byte[] key = String.format("extent/%08d", i).getBytes();
                byte[] value = new byte[valueBytes];
                rnd.nextBytes(value);
                db.put(key, value);
                userBytes += key.length + value.length;
                if (i % 16 == 15) db.barrier();
            }
            db.barrier();
            db.flushMemtable();
            db.compactNow(); // counted: compaction rewrites are part of the amplification
            double wa = (double) (bytesPut.getAsLong() - setup) / userBytes;
            // the data is all there and readable after a reopen
            db.close();
            try (var again = LsmDb.openWriter(bucket, options, 2)) {
                for (int i = 0; i < count; i += count / 8) {
                    assertEquals(valueBytes, again.get(String.format("extent/%08d", i).getBytes()).orElseThrow().length);
                }
            }
            return wa;
        }
    }

    @Test
    void largeValuesAreWrittenOnce() {
        var options = LsmOptions.defaults().withRetry(TestOptions.fastRetry()).withMemtableBytesMax(1 << 20);
        double wa = measure(256, 32 * 1024, options);
        System.out.printf("write amplification, 32 KiB extents: %.3f%n", wa);
        assertTrue(wa < 1.05, "32 KiB extents: " + wa);
    }

    @Test
    void smallValuesAreWrittenToWalAndL0() {
        var options = LsmOptions.defaults().withRetry(TestOptions.fastRetry()).withMemtableBytesMax(256 << 10);
        double wa = measure(4096, 100, options);
        System.out.printf("write amplification, 100 B values: %.3f%n", wa);
        assertTrue(wa > 1.5 && wa < 3.5, "100 B values: " + wa);
    }

    @Test
    void smallValuesWithCompactionIntoFewRuns() {
        var options = LsmOptions.defaults().withRetry(TestOptions.fastRetry()).withMemtableBytesMax(32 << 10)
                .withCompaction(new cairn.engine.lsm.compaction.CompactionOptions(4, 16, 4, 8, 4.0, 12, 64 << 10, true));
        double wa = measure(8192, 100, options);
        System.out.printf("write amplification, 100 B values, 32 KiB memtables, size-tiered compaction: %.3f%n", wa);
        assertTrue(wa > 2 && wa < 8, "100 B values with compaction: " + wa);
    }
}
