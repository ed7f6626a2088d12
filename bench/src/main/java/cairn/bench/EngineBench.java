package cairn.bench;

import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectStores;
import cairn.engine.store.S3ProxyFixture;
import cairn.engine.store.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Engine benchmark: random puts and gets of 100-byte and 32 KiB values, with and without a durability barrier
 * after every put, on Cairn's LSM over memory://, file:// and s3proxy, and on RocksDB on the same local disk,
 * side by side in one process run. Prints a table and write amplification (bytes written to storage / bytes
 * put by the user). Usage: {@code ./bench/run.sh engine [scale]} (scale 1 = the documented run).
 */
public final class EngineBench {

    record Workload(String name, int valueBytes, int ops, boolean syncEach) {}

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        Path dir = Files.createTempDirectory("cairn-bench");
        var s3 = S3ProxyFixture.shared();
        List<Supplier<KvTarget>> targets = List.of(
                () -> new CairnTarget("cairn-memory", new MemoryStore()),
                () -> new CairnTarget("cairn-file", ObjectStores.openBackend("file://" + fresh(dir, "file"), S3Settings.defaults())),
                () -> new CairnTarget("cairn-s3proxy", s3.newStore()),
                () -> new RocksTarget(fresh(dir, "rocks")));
        List<Workload> workloads = List.of(
                new Workload("put 100B", 100, (int) (50_000 * scale), false),
                new Workload("put 100B + barrier", 100, (int) (300 * scale), true),
                new Workload("put 32KiB", 32 << 10, (int) (3_000 * scale), false),
                new Workload("put 32KiB + barrier", 32 << 10, (int) (200 * scale), true));
        System.out.printf("%-22s %-14s %s%n", "workload", "target", "result");
        for (Workload w : workloads) {
            for (Supplier<KvTarget> t : targets) {
                try (KvTarget target = t.get()) {
                    run(w, target);
                }
            }
        }
        s3.close();
    }

    private static Path fresh(Path dir, String name) {
        try {
            return Files.createDirectories(dir.resolve(name + "-" + System.nanoTime()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void run(Workload w, KvTarget target) throws Exception {
        var random = new SplittableRandom(7);
        byte[] value = new byte[w.valueBytes];
        random.nextBytes(value);
        List<byte[]> keys = new ArrayList<>();
        var putLat = new Latencies(w.ops);
        long userBytes = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < w.ops; i++) {
            byte[] key = String.format("key-%016x", random.nextLong()).getBytes();
            keys.add(key);
            long s = System.nanoTime();
            target.put(key, value);
            if (w.syncEach) target.sync();
            putLat.add(System.nanoTime() - s);
            userBytes += key.length + value.length;
        }
        target.sync();
        long putNs = System.nanoTime() - t0;
        var getLat = new Latencies(w.ops);
        long t1 = System.nanoTime();
        for (int i = 0; i < w.ops; i++) {
            byte[] key = keys.get(random.nextInt(keys.size()));
            long s = System.nanoTime();
            if (target.get(key) == null) throw new IllegalStateException(target.name() + " lost a key");
            getLat.add(System.nanoTime() - s);
        }
        long getNs = System.nanoTime() - t1;
        long written = target.bytesWritten();
        System.out.printf("%-22s %-14s put %s | get %s | write-amp %s%n", w.name, target.name(), putLat.summary(putNs),
                getLat.summary(getNs), written < 0 ? "n/a" : String.format("%.2f", (double) written / userBytes));
    }
}
