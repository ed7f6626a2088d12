package cairn.engine.lsm;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.DiskRangeCache;
import cairn.engine.lsm.segment.Segment;
import cairn.engine.lsm.value.ValueStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
    private final Counter repackedBytes;

    LsmMetrics(MeterRegistry target, LongSupplier memtableBytes, Supplier<List<Segment>> segments) {
        registry = new CompositeMeterRegistry();
        if (target != null) registry.add(target);
        walFlush = Timer.builder("cairn.lsm.wal.flush").description("one WAL object PUT (create-if-absent), retries included").register(registry);
        compactions = Counter.builder("cairn.lsm.compactions").description("compaction jobs committed").register(registry);
        compactionBytesIn = Counter.builder("cairn.lsm.compactions.bytes").tag("direction", "read").baseUnit("bytes").register(registry);
        compactionBytesOut = Counter.builder("cairn.lsm.compactions.bytes").tag("direction", "written").baseUnit("bytes").register(registry);
        gcDeleted = Counter.builder("cairn.lsm.gc.deleted").description("objects deleted by GC").register(registry);
        repackedBytes = Counter.builder("cairn.lsm.segments.repacked.bytes").description("live large-value bytes copied out of sparse segments").baseUnit("bytes").register(registry);
        Gauge.builder("cairn.lsm.segments.bytes", segments, s -> sum(s.get(), true)).tag("state", "dead").strongReference(true)
                .description("bytes of segment values no SST points at any more (GC reclaims them once their segment is empty or repacked)").baseUnit("bytes").register(registry);
        Gauge.builder("cairn.lsm.segments.bytes", segments, s -> sum(s.get(), false)).tag("state", "live").strongReference(true)
                .description("bytes of segment values SSTs still point at").baseUnit("bytes").register(registry);
        Gauge.builder("cairn.lsm.memtable.bytes", memtableBytes, s -> s.getAsLong()).strongReference(true).description("bytes in the active and frozen memtables").baseUnit("bytes").register(registry);
    }

    /** {@code cairn.lsm.block.cache.requests{kind=data|metadata,result=hit|miss}}: the block cache hit ratio. */
    void bindBlockCache(Supplier<BlockCache.Counters> counters) {
        blockCacheCounter(counters, "data", "hit", BlockCache.Counters::dataHits);
        blockCacheCounter(counters, "data", "miss", BlockCache.Counters::dataMisses);
        blockCacheCounter(counters, "metadata", "hit", BlockCache.Counters::metadataHits);
        blockCacheCounter(counters, "metadata", "miss", BlockCache.Counters::metadataMisses);
    }

    private void blockCacheCounter(Supplier<BlockCache.Counters> counters, String kind, String result,
                                   java.util.function.ToLongFunction<BlockCache.Counters> field) {
        FunctionCounter.builder("cairn.lsm.block.cache.requests", counters, c -> field.applyAsLong(c.get()))
                .tag("kind", kind).tag("result", result).description("SST block lookups in the block cache")
                .register(registry);
    }

    /** {@code cairn.lsm.value.cache.requests{result=hit|miss}}: the memory cache of large values. */
    void bindValueCache(Supplier<ValueStore.Counters> counters) {
        FunctionCounter.builder("cairn.lsm.value.cache.requests", counters, c -> c.get().hits()).tag("result", "hit")
                .description("large-value lookups in the memory value cache").register(registry);
        FunctionCounter.builder("cairn.lsm.value.cache.requests", counters, c -> c.get().misses()).tag("result", "miss")
                .description("large-value lookups in the memory value cache").register(registry);
    }

    /**
     * {@code cairn.lsm.disk.cache.*}: requests by result, bytes used and capacity, evictions and damaged files. The
     * cache may be shared by several databases of the process: the meters read the one instance.
     */
    void bindDiskCache(DiskRangeCache disk) {
        FunctionCounter.builder("cairn.lsm.disk.cache.requests", disk, d -> d.counters().hits()).tag("result", "hit")
                .description("lookups of SST blocks and large values in the local disk cache").register(registry);
        FunctionCounter.builder("cairn.lsm.disk.cache.requests", disk, d -> d.counters().misses()).tag("result", "miss")
                .description("lookups of SST blocks and large values in the local disk cache").register(registry);
        Gauge.builder("cairn.lsm.disk.cache.bytes", disk, DiskRangeCache::totalBytes).baseUnit("bytes")
                .description("bytes of the local disk cache's files").register(registry);
        Gauge.builder("cairn.lsm.disk.cache.capacity.bytes", disk, DiskRangeCache::bytesMax).baseUnit("bytes")
                .description("the local disk cache's budget (cache.disk_size_gb)").register(registry);
        FunctionCounter.builder("cairn.lsm.disk.cache.evictions", disk, d -> d.counters().evictions())
                .description("ranges deleted from the local disk cache to stay within its budget").register(registry);
        FunctionCounter.builder("cairn.lsm.disk.cache.corrupt", disk, d -> d.counters().corruptDropped())
                .description("local disk cache files that failed their checksum and were deleted (never served)").register(registry);
    }

    public void walFlushed(long nanos) {
        walFlush.record(nanos, TimeUnit.NANOSECONDS);
    }

    void compacted(long bytesIn, long bytesOut) {
        compactions.increment();
        compactionBytesIn.increment(bytesIn);
        compactionBytesOut.increment(bytesOut);
    }

    void repacked(long bytes) {
        repackedBytes.increment(bytes);
    }

    private static double sum(List<Segment> segments, boolean dead) {
        long total = 0;
        for (Segment s : segments) total += dead ? s.deadBytes() : s.liveBytes();
        return total;
    }

    void gcDeleted(int objects) {
        gcDeleted.increment(objects);
    }
}
