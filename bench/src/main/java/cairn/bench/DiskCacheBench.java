package cairn.bench;

import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.lsm.cache.DiskRangeCache;
import cairn.engine.store.ForwardingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoredObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Cold-start random reads with and without the local disk cache, on a store whose GETs take a fixed latency (an
 * S3-like first-byte time; the bytes themselves come from memory). A database of small (100 B, in SSTs) and large
 * (32 KiB, in segments) values is written once; then each case opens a fresh reader (empty memory caches, as after a
 * restart or a failover) and times random point reads:
 * <ul>
 *   <li>no disk cache;</li>
 *   <li>disk cache, empty (first start: every read also writes the cache);</li>
 *   <li>disk cache after a restart, filled by an earlier session that read every key once.</li>
 * </ul>
 * Usage: {@code bench/run.sh diskcache [scale] [getLatencyMs]} (defaults 1 and 20).
 */
public final class DiskCacheBench {

    /** Adds a fixed latency to every GET (whole or ranged) while {@link #slow} is set; counts them. */
    static final class SlowStore extends ForwardingStore {
        volatile boolean slow;
        final long latencyNs;
        final AtomicLong gets = new AtomicLong();

        SlowStore(ObjectStore inner, long latencyMs) {
            super(inner);
            this.latencyNs = latencyMs * 1_000_000;
        }

        private void pause() {
            gets.incrementAndGet();
            if (!slow || latencyNs == 0) return;
            long until = System.nanoTime() + latencyNs;
            for (long left; (left = until - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
        }

        @Override
        public Optional<StoredObject> get(String key) {
            pause();
            return super.get(key);
        }

        @Override
        public Optional<StoredObject> getRange(String key, long offset, int length) {
            pause();
            return super.getRange(key, offset, length);
        }
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        long latencyMs = args.length > 1 ? Long.parseLong(args[1]) : 20;
        int small = (int) (20_000 * scale);
        int large = (int) (1_000 * scale);
        int reads = (int) (400 * scale);
        var store = new SlowStore(new MemoryStore(), latencyMs);
        load(store, small, large);
        Path dir = Files.createTempDirectory("cairn-diskcache-bench");
        long budget = 1L << 30;
        System.out.printf("%d x 100 B + %d x 32 KiB values; %d random point reads per case (half small, half large); GET latency %d ms%n",
                small, large, reads, latencyMs);
        double none = run("no disk cache", store, null, small, large, reads, 1);

        // first start: empty cache
        double empty;
        try (var disk = new DiskRangeCache(dir, budget, "bench")) {
            empty = run("disk cache, empty", store, disk, small, large, reads, 2);
        }
        // an earlier session read every key once (fast, unmeasured), then the node restarted
        try (var disk = new DiskRangeCache(dir, budget, "bench"); var db = LsmDb.openReader(store, options(disk))) {
            store.slow = false;
            for (int i = 0; i < small; i++) db.get(key("s", i)).orElseThrow();
            for (int i = 0; i < large; i++) db.get(key("l", i)).orElseThrow();
            System.out.printf("  (warm-up filled the disk cache: %s)%n", disk.counters());
        }
        double warm;
        try (var disk = new DiskRangeCache(dir, budget, "bench")) {
            warm = run("disk cache, after restart", store, disk, small, large, reads, 3);
        }
        System.out.printf("read throughput vs no disk cache: empty cache %.2fx, after restart %.1fx%n", empty / none, warm / none);
    }

    private static LsmOptions options(DiskRangeCache disk) {
        return LsmOptions.defaults().withDiskCache(disk);
    }

    static byte[] key(String kind, int i) {
        return String.format("%s-%08d", kind, i).getBytes();
    }

    private static void load(SlowStore store, int small, int large) {
        var random = new SplittableRandom(1);
        byte[] s = new byte[100];
        byte[] l = new byte[32 << 10];
        try (var db = LsmDb.openWriter(store, LsmOptions.defaults(), 1)) {
            // keys in random order, as a long-lived volume would have them
            int[] order = new int[small + large];
            for (int i = 0; i < order.length; i++) order[i] = i;
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i : order) {
                boolean isLarge = i >= small;
                byte[] v = isLarge ? l : s;
                random.nextBytes(v);
                db.put(isLarge ? key("l", i - small) : key("s", i), v);
            }
            db.barrier();
            db.flushMemtable();
            db.compactNow();
        }
    }

    /** Opens a fresh reader on the slow store and times random point reads; returns reads per second. */
    private static double run(String name, SlowStore store, DiskRangeCache disk, int small, int large, int reads, long seed) {
        var random = new SplittableRandom(seed);
        var lat = new Latencies(reads);
        store.slow = true;
        long openStart = System.nanoTime();
        try (var db = LsmDb.openReader(store, disk == null ? LsmOptions.defaults() : options(disk))) {
            long openNs = System.nanoTime() - openStart;
            long getsBefore = store.gets.get();
            long t0 = System.nanoTime();
            for (int i = 0; i < reads; i++) {
                byte[] k = i % 2 == 0 ? key("s", random.nextInt(small)) : key("l", random.nextInt(large));
                long s = System.nanoTime();
                db.get(k).orElseThrow(() -> new IllegalStateException("lost a key"));
                lat.add(System.nanoTime() - s);
            }
            long ns = System.nanoTime() - t0;
            System.out.printf("%-28s open %6.0f ms | reads %s | store GETs %6d%s%n", name, openNs / 1e6, lat.summary(ns),
                    store.gets.get() - getsBefore, disk == null ? "" : " | disk cache " + disk.counters());
            return reads / (ns / 1e9);
        } finally {
            store.slow = false;
        }
    }
}
