package cairn.bench.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Filesystem benchmark: the {@code FileSystem} API of {@code CairnFileSystem} over {@code LsmDb} on
 * {@code file://} against java.nio on the same local disk, side by side in one process run. Each metadata phase
 * ends with a durability barrier (Cairn: syncfs; nio: fsync of the directory); the sequential write ends with
 * fsync. Usage: {@code bench/run.sh fs [files] [dirEntries] [seqMiB] [randOps]}
 * (documented run: 10000 100000 1024 20000; random writes with fsync run randOps/20).
 */
public final class FsBench {
    private static final int MIB = 1 << 20;

    record Sizes(int files, int dirEntries, int seqMiB, int randOps) {}

    /** One measured phase: operations (or bytes) and elapsed time per target. */
    record Row(String phase, String unit, double cairn, double nio) {}

    public static void main(String[] args) throws Exception {
        Sizes sizes = new Sizes(arg(args, 0, 10_000), arg(args, 1, 100_000), arg(args, 2, 1024), arg(args, 3, 20_000));
        Path dir = Files.createTempDirectory("cairn-fsbench");
        System.out.println("sizes " + sizes + ", dir " + dir);
        List<Function<Path, FsTarget>> targets = List.of(CairnFsTarget::new, NioFsTarget::new);
        List<double[]> results = new ArrayList<>();
        List<String[]> phases = new ArrayList<>();
        for (var make : targets) {
            Path root = Files.createDirectories(dir.resolve("t" + results.size()));
            try (FsTarget t = make.apply(root)) {
                List<double[]> rows = run(t, sizes, phases);
                results.add(rows.stream().mapToDouble(r -> r[0]).toArray());
            }
        }
        System.out.printf("%n| phase | unit | cairn | java.nio | cairn / nio |%n|---|---|---|---|---|%n");
        for (int i = 0; i < phases.size() / targets.size(); i++) {
            double c = results.get(0)[i], n = results.get(1)[i];
            System.out.printf("| %s | %s | %.1f | %.1f | %.3f |%n", phases.get(i)[0], phases.get(i)[1], c, n, c / n);
        }
    }

    private static List<double[]> run(FsTarget t, Sizes s, List<String[]> phases) throws Exception {
        List<double[]> out = new ArrayList<>();
        t.mkdir("small");
        out.add(timed(t, phases, "create " + s.files + " empty files + sync", "ops/s", s.files, () -> {
            for (int i = 0; i < s.files; i++) t.create("small", "f" + i);
            t.syncDir("small");
        }));
        out.add(timed(t, phases, "stat " + s.files + " files", "ops/s", s.files, () -> {
            for (int i = 0; i < s.files; i++) t.stat("small", "f" + i);
        }));
        out.add(timed(t, phases, "unlink " + s.files + " files + sync", "ops/s", s.files, () -> {
            for (int i = 0; i < s.files; i++) t.unlink("small", "f" + i);
            t.syncDir("small");
        }));
        t.mkdir("big");
        out.add(timed(t, phases, "create " + s.dirEntries + " entries (setup for readdir) + sync", "ops/s", s.dirEntries, () -> {
            for (int i = 0; i < s.dirEntries; i++) t.create("big", "entry-" + i);
            t.syncDir("big");
        }));
        out.add(timed(t, phases, "readdir of " + s.dirEntries + " entries", "entries/s", s.dirEntries, () -> {
            long n = t.list("big");
            if (n < s.dirEntries) throw new IllegalStateException(t.name() + " listed " + n + " entries");
        }));
        t.mkdir("data");
        byte[] chunk = new byte[MIB];
        new SplittableRandom(1).nextBytes(chunk);
        try (var f = t.open("data", "seq")) {
            out.add(timed(t, phases, "sequential write " + s.seqMiB + " MiB (1 MiB writes) + fsync", "MiB/s", s.seqMiB, () -> {
                for (int i = 0; i < s.seqMiB; i++) f.write((long) i * MIB, chunk);
                f.fsync();
            }));
            out.add(timed(t, phases, "sequential read " + s.seqMiB + " MiB (1 MiB reads)", "MiB/s", s.seqMiB, () -> {
                for (int i = 0; i < s.seqMiB; i++) {
                    if (f.read((long) i * MIB, MIB) != MIB) throw new IllegalStateException("short read");
                }
            }));
        }
        long span = 64L * MIB;
        byte[] block = new byte[4096];
        try (var f = t.open("data", "random")) {
            f.write(span - 4096, block); // the file spans 64 MiB
            f.fsync();
            var random = new SplittableRandom(2);
            out.add(timed(t, phases, "4 KiB random write x" + s.randOps + " (64 MiB file), fsync at end", "ops/s", s.randOps, () -> {
                for (int i = 0; i < s.randOps; i++) f.write(random.nextLong(span / 4096) * 4096, block);
                f.fsync();
            }));
            int syncOps = Math.max(1, s.randOps / 20);
            out.add(timed(t, phases, "4 KiB random write + fsync each x" + syncOps, "ops/s", syncOps, () -> {
                for (int i = 0; i < syncOps; i++) {
                    f.write(random.nextLong(span / 4096) * 4096, block);
                    f.fsync();
                }
            }));
        }
        return out;
    }

    interface Body {
        void run() throws Exception;
    }

    private static double[] timed(FsTarget t, List<String[]> phases, String phase, String unit, double amount, Body body)
            throws Exception {
        long start = System.nanoTime();
        body.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = amount / seconds;
        System.out.printf("%-10s %-62s %12.1f %s (%.2f s)%n", t.name(), phase, rate, unit, seconds);
        phases.add(new String[] {phase, unit});
        return new double[] {rate};
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }
}
