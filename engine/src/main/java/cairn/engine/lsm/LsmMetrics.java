package cairn.engine.lsm;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.DiskRangeCache;
import cairn.engine.lsm.segment.Segment;
import cairn.engine.lsm.value.ValueStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
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
    /** Where the cache meters go directly (null: nowhere), and those meters, removed again by {@link #unbindCaches}. */
    private final MeterRegistry target;
    private final List<Meter> cacheMeters = new java.util.concurrent.CopyOnWriteArrayList<>();

    LsmMetrics(MeterRegistry target, LongSupplier memtableBytes, Supplier<List<Segment>> segments) {
        this.target = target;
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

    /*
     * The cache meters read the caches of one opening of the database. They are registered in the target registry
     * itself and removed when that opening ends (unbindCaches), so a database re-opened with the same registry (a
     * demoted leader that becomes a standby again) exports its new caches instead of the closed ones: a registry
     * keeps the first meter registered under a name and tags. Function meters hold their object weakly, so each
     * reads an object the open database holds (the table format, the value store, the disk cache), never a lambda
     * of its own, which the next GC would collect (freezing the count).
     */

    /** {@code cairn.lsm.block.cache.requests{kind=data|metadata,result=hit|miss}}: the block cache hit ratio. */
    void bindBlockCache(BlockTableFormat tables) {
        blockCacheCounter(tables, "data", "hit", BlockCache.Counters::dataHits);
        blockCacheCounter(tables, "data", "miss", BlockCache.Counters::dataMisses);
        blockCacheCounter(tables, "metadata", "hit", BlockCache.Counters::metadataHits);
        blockCacheCounter(tables, "metadata", "miss", BlockCache.Counters::metadataMisses);
    }

    private void blockCacheCounter(BlockTableFormat tables, String kind, String result,
                                   java.util.function.ToLongFunction<BlockCache.Counters> field) {
        bind(FunctionCounter.builder("cairn.lsm.block.cache.requests", tables, t -> field.applyAsLong(t.cacheCounters()))
                .tag("kind", kind).tag("result", result).description("SST block lookups in the block cache"));
    }

    private void bind(FunctionCounter.Builder<?> meter) {
        if (target != null) cacheMeters.add(meter.register(target));
    }

    private void bind(Gauge.Builder<?> meter) {
        if (target != null) cacheMeters.add(meter.register(target));
    }

    /** Removes the cache meters of this opening (see above). */
    void unbindCaches() {
        for (Meter m : cacheMeters) target.remove(m);
        cacheMeters.clear();
    }

    /** {@code cairn.lsm.value.cache.requests{result=hit|miss}}: the memory cache of large values. */
    void bindValueCache(ValueStore values) {
        bind(FunctionCounter.builder("cairn.lsm.value.cache.requests", values, v -> v.cacheCounters().hits()).tag("result", "hit")
                .description("large-value lookups in the memory value cache"));
        bind(FunctionCounter.builder("cairn.lsm.value.cache.requests", values, v -> v.cacheCounters().misses()).tag("result", "miss")
                .description("large-value lookups in the memory value cache"));
    }

    /**
     * {@code cairn.lsm.disk.cache.*}: requests by result, bytes used and capacity, evictions and damaged files. The
     * cache may be shared by several databases of the process: the meters read the one instance.
     */
    void bindDiskCache(DiskRangeCache disk) {
        bind(FunctionCounter.builder("cairn.lsm.disk.cache.requests", disk, d -> d.counters().hits()).tag("result", "hit")
                .description("lookups of SST blocks and large values in the local disk cache"));
        bind(FunctionCounter.builder("cairn.lsm.disk.cache.requests", disk, d -> d.counters().misses()).tag("result", "miss")
                .description("lookups of SST blocks and large values in the local disk cache"));
        bind(Gauge.builder("cairn.lsm.disk.cache.bytes", disk, DiskRangeCache::totalBytes).baseUnit("bytes")
                .description("bytes of the local disk cache's files"));
        bind(Gauge.builder("cairn.lsm.disk.cache.capacity.bytes", disk, DiskRangeCache::bytesMax).baseUnit("bytes")
                .description("the local disk cache's budget (cache.disk_size_gb)"));
        bind(FunctionCounter.builder("cairn.lsm.disk.cache.evictions", disk, d -> d.counters().evictions())
                .description("ranges deleted from the local disk cache to stay within its budget"));
        bind(FunctionCounter.builder("cairn.lsm.disk.cache.corrupt", disk, d -> d.counters().corruptDropped())
                .description("local disk cache files that failed their checksum and were deleted (never served)"));
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
