package cairn.engine.lsm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The LSM engine's meters (names in {@code docs/metrics.md}), registered in the registry of
 * {@link LsmOptions#metrics()} through a composite, which records next to nothing when there is none.
 */
public final class LsmMetrics {
    private final CompositeMeterRegistry registry;
    private final Timer walFlush;
    private final Counter compactions;
    private final Counter compactionBytesIn;
    private final Counter compactionBytesOut;
    private final Counter gcDeleted;

    LsmMetrics(MeterRegistry target, LongSupplier memtableBytes) {
        registry = new CompositeMeterRegistry();
        if (target != null) registry.add(target);
        walFlush = Timer.builder("cairn.lsm.wal.flush").description("one WAL object PUT (create-if-absent), retries included").register(registry);
        compactions = Counter.builder("cairn.lsm.compactions").description("compaction jobs committed").register(registry);
        compactionBytesIn = Counter.builder("cairn.lsm.compactions.bytes").tag("direction", "read").baseUnit("bytes").register(registry);
        compactionBytesOut = Counter.builder("cairn.lsm.compactions.bytes").tag("direction", "written").baseUnit("bytes").register(registry);
        gcDeleted = Counter.builder("cairn.lsm.gc.deleted").description("objects deleted by GC").register(registry);
        Gauge.builder("cairn.lsm.memtable.bytes", memtableBytes, s -> s.getAsLong()).strongReference(true).description("bytes in the active and frozen memtables").baseUnit("bytes").register(registry);
    }

    public void walFlushed(long nanos) {
        walFlush.record(nanos, TimeUnit.NANOSECONDS);
    }

    void compacted(long bytesIn, long bytesOut) {
        compactions.increment();
        compactionBytesIn.increment(bytesIn);
        compactionBytesOut.increment(bytesOut);
    }

    void gcDeleted(int objects) {
        gcDeleted.increment(objects);
    }
}
