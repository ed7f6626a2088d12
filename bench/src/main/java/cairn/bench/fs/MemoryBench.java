package cairn.bench.fs;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.ObjectStores;
import cairn.engine.store.S3Settings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Peak resident memory of the filesystem under two loads, each in a child JVM whose {@code /proc/<pid>/status}
 * the parent samples every 250 ms: {@code seq} writes GIB gibibytes sequentially in 1 MiB writes to one file
 * (fsync at the end); {@code storm} creates FILES empty files, 1,000 per directory (syncfs at the end). Both run
 * on a {@code file://} store with the engine budgets {@link LsmOptions#withMemoryBudget} derives from {@code memory_size_gb}.
 * Usage: {@code bench/run.sh memory [seqGiB] [files] [memoryGiB] [childXmx]} (documented run: 10 1000000 0.25 512m).
 */
public final class MemoryBench {
    private static final int MIB = 1 << 20;
    private static final int FILES_PER_DIR = 1000;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], Long.parseLong(args[2]), Double.parseDouble(args[3]));
            return;
        }
        long seqGiB = args.length > 0 ? Long.parseLong(args[0]) : 10;
        long files = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        double memoryGiB = args.length > 2 ? Double.parseDouble(args[2]) : 0.25;
        String xmx = args.length > 3 ? args[3] : "512m";
        System.out.printf("memory_size_gb = %s, child -Xmx%s, load average %s%n", memoryGiB, xmx, loadAverage());
        List<String> rows = new ArrayList<>();
        if (seqGiB > 0) rows.add(runChild("seq", seqGiB, memoryGiB, xmx));
        if (files > 0) rows.add(runChild("storm", files, memoryGiB, xmx));
        System.out.printf("%n| load | amount | time | throughput | RSS after open | peak RSS (VmHWM) |%n|---|---|---|---|---|---|%n");
        rows.forEach(System.out::println);
    }

    private static String runChild(String load, long amount, double memoryGiB, String xmx) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx" + xmx, "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MemoryBench.class.getName(),
                "child", load, Long.toString(amount), Double.toString(memoryGiB))
                .redirectErrorStream(true).start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long[] peak = {0};
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (p.isAlive()) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmHWM:")) peak[0] = Math.max(peak[0], kib(line));
                    }
                    Thread.sleep(250); // sampling period, not synchronisation
                } catch (IOException | InterruptedException e) {
                    return; // the child exited between the check and the read
                }
            }
        });
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println("  [" + load + "] " + line);
                if (line.startsWith("RESULT ")) result = line.substring(7);
            }
        }
        int rc = p.waitFor();
        sampler.join();
        if (rc != 0 || result == null) throw new IllegalStateException(load + " child failed with exit code " + rc);
        // the child reports its own VmHWM last, which is exact; the sampled one can only be lower
        String[] r = result.split("\\|");
        long childPeakKiB = Long.parseLong(r[3]);
        return String.format("| %s | %s | %s s | %s | %d MiB | %d MiB |", load, r[0], r[1], r[2],
                Long.parseLong(r[4]) / 1024, Math.max(peak[0], childPeakKiB) / 1024);
    }

    private static void child(String load, long amount, double memoryGiB) throws Exception {
        Path dir = Files.createTempDirectory("cairn-membench");
        ObjectStore store = ObjectStores.openBackend("file://" + dir, S3Settings.defaults());
        LsmDb db = LsmDb.openWriter(store, LsmOptions.defaults().withMemoryBudget((long) (memoryGiB * (1L << 30))), 1);
        CairnFileSystem fs = CairnFileSystem.open(db, FsOptions.defaults(), ValueTransform.IDENTITY);
        long openKiB = statusKiB("VmRSS");
        System.out.println("store " + dir + ", RSS after open " + openKiB / 1024 + " MiB");
        long t0 = System.nanoTime();
        String amountText, rate;
        if (load.equals("seq")) {
            long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, "seq", 0644, true).ino();
            byte[] chunk = new byte[MIB];
            new SplittableRandom(1).nextBytes(chunk);
            long mib = amount * 1024;
            for (long i = 0; i < mib; i++) {
                chunk[0] = (byte) i; // no two MiB alike
                fs.write(Caller.ROOT, ino, i * MIB, chunk);
                if ((i + 1) % 1024 == 0) progress((i + 1) / 1024 + " GiB", t0, (i + 1) + " MiB", "VmRSS");
            }
            fs.fsync(ino);
            amountText = amount + " GiB";
            rate = String.format("%.1f MiB/s", mib / seconds(t0));
        } else {
            long dirIno = 0;
            for (long i = 0; i < amount; i++) {
                if (i % FILES_PER_DIR == 0)
                    dirIno = fs.mkdir(Caller.ROOT, FileSystem.ROOT_INODE, "d" + i / FILES_PER_DIR, 0755).ino();
                fs.create(Caller.ROOT, dirIno, "f" + i % FILES_PER_DIR, 0644, true);
                if ((i + 1) % 100_000 == 0) progress((i + 1) + " files", t0, "", "VmRSS");
            }
            fs.syncfs();
            amountText = amount + " files";
            rate = String.format("%.0f files/s", amount / seconds(t0));
        }
        double secs = seconds(t0);
        fs.close();
        db.close();
        store.close();
        System.out.printf("RESULT %s|%.0f|%s|%d|%d%n", amountText, secs, rate, statusKiB("VmHWM"), openKiB);
        deleteTree(dir);
    }

    private static void progress(String what, long t0, String extra, String field) throws IOException {
        System.out.printf("%s after %.0f s, %s %d MiB%n", what, seconds(t0), field, statusKiB(field) / 1024);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long statusKiB(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith(field + ":")) return kib(line);
        return -1;
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
