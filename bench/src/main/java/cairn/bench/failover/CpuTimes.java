package cairn.bench.failover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU time counters from {@code /proc/stat}: how much of a window the hypervisor gave to other
 * guests (steal) tells a slow failover on a starved host from a slow failover.
 */
record CpuTimes(long total, long steal) {
    private static final Path STAT = Path.of("/proc/stat");

    /** Now; zeros where {@code /proc/stat} is not there (not Linux), so the steal share reads 0. */
    static CpuTimes now() {
        try {
            String[] f = Files.readAllLines(STAT).get(0).trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]);
            return new CpuTimes(total, f.length > 8 ? Long.parseLong(f[8]) : 0);
        } catch (IOException | RuntimeException e) {
            return new CpuTimes(0, 0);
        }
    }

    /** Percent of all CPU time since {@code before} that was stolen. */
    double stealPercentSince(CpuTimes before) {
        long dt = total - before.total;
        return dt <= 0 ? 0 : 100.0 * (steal - before.steal) / dt;
    }
}
