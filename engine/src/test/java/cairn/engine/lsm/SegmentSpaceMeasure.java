package cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectInfo;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Bucket bytes against live bytes in an overwrite-heavy run with the default options: 64 MiB of 32 KiB values
 * rewritten 5 times (in key order, then in random order), each pass followed by flush, compaction (and repack) and
 * GC. Heavy (hundreds of MiB in memory), so it runs only with {@code -Dcairn.measure=true}:
 * {@code ./mvnw -o -pl engine test -Dtest=SegmentSpaceMeasure -Dcairn.measure=true}.
 */
class SegmentSpaceMeasure {
    private static final int VALUE_BYTES = 32 << 10;
    private static final int KEYS = 2048; // 64 MiB
    private static final int PASSES = 5;

    @Test
    void overwriteHeavyRunStaysNearLiveBytes() {
        Assumptions.assumeTrue(Boolean.getBoolean("cairn.measure"), "heavy measurement: run with -Dcairn.measure=true");
        // the bound of the defaults: segments at least half live (2x) plus what a repack waits for (reclaimBytesMin
        // = 64 MiB, i.e. 1x at this size), and no more than one shadowed copy (sizeAmplificationMax = 1); without
        // accounting and repacking the bucket grew by one copy per pass (5x after 5 passes)
        double bound = 2 + (64.0 * (1 << 20)) / ((long) KEYS * VALUE_BYTES) + 0.1;
        double keyOrder = run("in key order", false);
        double randomOrder = run("in random order", true);
        assertTrue(keyOrder < bound && randomOrder < bound, keyOrder + " and " + randomOrder + " times the live bytes");
    }

    /** Returns the highest (bucket bytes / live bytes) seen after a pass. */
    private static double run(String order, boolean random) {
        var bucket = new MemoryStore();
        var options = LsmOptions.defaults().withRetry(TestOptions.fastRetry()).withGc(0, 0);
        var rnd = new Random(1);
        long live = (long) KEYS * VALUE_BYTES;
        double worst = 0;
        long written = 0;
        try (var db = LsmDb.openWriter(bucket, options, 1)) {
            for (int pass = 1; pass <= PASSES; pass++) {
                for (int i = 0; i < KEYS; i++) {
                    int k = random && pass > 1 ? rnd.nextInt(KEYS) : i;
                    byte[] value = new byte[VALUE_BYTES];
                    rnd.nextBytes(value);
                    db.put(String.format("extent/%08d", k).getBytes(), value);
                    written += VALUE_BYTES;
                    if (i % 16 == 15) db.barrier();
                }
                db.barrier();
                db.flushMemtable();
                db.compactNow();
                db.runGc();
                long wal = bytes(bucket, "wal/"), seg = bytes(bucket, "seg/"), sst = bytes(bucket, "sst/"), man = bytes(bucket, "manifest/");
                long total = wal + seg + sst + man;
                worst = Math.max(worst, (double) total / live);
                System.out.printf("segment space, %s, pass %d: written %d MiB, live %d MiB, bucket %.1f MiB (wal %.1f, seg %.1f, sst %.2f, manifest %.3f) = %.2fx live%n",
                        order, pass, written >> 20, live >> 20, mib(total), mib(wal), mib(seg), mib(sst), mib(man), (double) total / live);
            }
            for (int i = 0; i < KEYS; i += 97) assertEquals(VALUE_BYTES, db.get(String.format("extent/%08d", i).getBytes()).orElseThrow().length);
        }
        return worst;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static long bytes(MemoryStore bucket, String prefix) {
        long sum = 0;
        String after = null;
        while (true) {
            var page = bucket.list(prefix, after, 1000);
            for (ObjectInfo o : page.objects()) sum += o.size();
            if (!page.truncated()) return sum;
            after = page.lastKey();
        }
    }
}
