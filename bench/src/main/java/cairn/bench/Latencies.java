package cairn.bench;

import java.util.Arrays;

/** Per-operation latencies of one run: throughput and percentiles. */
final class Latencies {
    private final long[] nanos;
    private int count;

    Latencies(int capacity) {
        nanos = new long[capacity];
    }

    void add(long ns) {
        nanos[count++] = ns;
    }

    String summary(long elapsedNs) {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return String.format("%10.0f ops/s  p50 %8.1f us  p99 %9.1f us", count / (elapsedNs / 1e9),
                pct(sorted, 0.50) / 1e3, pct(sorted, 0.99) / 1e3);
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }
}
