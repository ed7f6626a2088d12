package cairn.engine.lsm;

import cairn.engine.lsm.compaction.CompactionOptions;
import cairn.engine.lsm.segment.RepackOptions;
import cairn.engine.store.RetryPolicy;
import java.time.Duration;

/** Small, fast options for tests: tiny buffers and memtables force flushes, eager repacks; short retry deadlines. */
final class TestOptions {
    private TestOptions() {}

    static RetryPolicy fastRetry() {
        return new RetryPolicy(Duration.ofSeconds(3), Duration.ofMillis(1), Duration.ofMillis(5), () -> {});
    }

    /** For real servers (s3proxy) on a loaded machine: a store call may legitimately take seconds. */
    static RetryPolicy patientRetry() {
        return new RetryPolicy(Duration.ofSeconds(60), Duration.ofMillis(5), Duration.ofMillis(200), () -> {});
    }

    static LsmOptions small() {
        return LsmOptions.defaults()
                .withFlushIntervalMs(5)
                .withWalBytes(2048, 16384)
                .withMemtableBytesMax(8192)
                .withLargeValueBytes(256)
                .withPollIntervalMs(10)
                .withGc(600_000, 0)
                .withRetry(fastRetry())
                .withCompaction(smallCompaction())
                .withRepack(smallRepack());
    }

    /**
     * Repacks as soon as a segment is below half live and the copy frees more than the SSTs it rewrites; full merges
     * for size amplification only at 4x (tiny test databases would otherwise fully merge at almost every flush).
     */
    static RepackOptions smallRepack() {
        return new RepackOptions(0.5, 1, 1 << 20, 16 << 10, 4.0);
    }

    /** Compacts after 2 L0s, merges 2..4 runs, keeps at most 4, cuts SSTs at 4 KiB: compaction runs often. */
    static CompactionOptions smallCompaction() {
        return new CompactionOptions(2, 4, 2, 4, 4.0, 4, 4096, true);
    }
}
