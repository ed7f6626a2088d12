package cairn.engine.lsm;

import cairn.engine.lsm.cache.DiskRangeCache;
import cairn.engine.lsm.cache.RangeCache;
import cairn.engine.lsm.compaction.CompactionOptions;
import cairn.engine.lsm.segment.RepackOptions;
import cairn.engine.store.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Tuning of one {@link LsmDb}. Units are in the names. Start from {@link #defaults()} and change fields with
 * the {@code with...} methods.
 *
 * @param flushIntervalMs        longest a write waits in the WAL buffer before a PUT (group-commit timer)
 * @param walBufferBytesMax      a WAL buffer this large is sealed and PUT at once
 * @param walUnflushedBytesMax   writes block while this many WAL bytes wait for their PUT (backpressure)
 * @param memtableBytesMax       a memtable this large is frozen and flushed as an L0 SST
 * @param immutableMemtablesMax  writes block while this many frozen memtables wait for their flush
 * @param walObjectsPerMemtableMax a memtable is also flushed after this many WAL objects, which bounds what a
 *                               new writer or promoted standby must replay (failover time) on a quiet volume
 * @param largeValueBytes        values at least this large stay in their WAL object; SSTs keep a pointer
 * @param pollIntervalMs         how often a reader polls the manifest and tails the WAL
 * @param valueCacheBytesMax     cache of large values read with ranged GETs
 * @param tableCacheBytesMax     cache of opened tables
 * @param gcGraceMs              an object must have been unreachable this long before GC deletes it
 * @param gcIntervalMs           how often a writer runs GC in the background; 0 = never (call it yourself)
 * @param leaseTtlMs             how long a reader lease protects what the reader reads
 * @param retry                  deadline and backoff of every store call
 * @param compaction             size-tiered compaction the writer runs after memtable flushes and every
 *                               {@code gcIntervalMs}; null = never compact
 * @param repack                 when the writer's compaction also repacks sparse segments (copies the live large
 *                               values of segments whose live fraction fell low, so GC can delete them); null =
 *                               never (needs {@code compaction})
 * @param metrics                where the engine's meters go ({@code docs/metrics.md}); null = nowhere
 * @param diskCache              local disk cache of SST blocks and large values, consulted before the store; null =
 *                               none. The caller opens and closes it; one cache may serve every database of the
 *                               process that reads the same volume (writer, reader, checkpoint views)
 */
public record LsmOptions(
        long flushIntervalMs,
        int walBufferBytesMax,
        long walUnflushedBytesMax,
        long memtableBytesMax,
        int immutableMemtablesMax,
        int walObjectsPerMemtableMax,
        int largeValueBytes,
        long pollIntervalMs,
        long valueCacheBytesMax,
        long tableCacheBytesMax,
        long gcGraceMs,
        long gcIntervalMs,
        long leaseTtlMs,
        RetryPolicy retry,
        CompactionOptions compaction,
        RepackOptions repack,
        MeterRegistry metrics,
        DiskRangeCache diskCache) {

    public LsmOptions {
        if (flushIntervalMs <= 0 || pollIntervalMs <= 0) throw new IllegalArgumentException("intervals must be positive");
        if (walBufferBytesMax <= 0 || walUnflushedBytesMax < walBufferBytesMax) {
            throw new IllegalArgumentException("need 0 < walBufferBytesMax <= walUnflushedBytesMax");
        }
        if (memtableBytesMax <= 0 || immutableMemtablesMax <= 0 || walObjectsPerMemtableMax <= 0 || largeValueBytes <= 0) {
            throw new IllegalArgumentException("memtable and value bounds must be positive");
        }
    }

    public static LsmOptions defaults() {
        return new LsmOptions(100, 4 << 20, 64L << 20, 64L << 20, 2, 1000, 4096, 200, 64L << 20, 128L << 20,
                600_000, 60_000, 60_000, RetryPolicy.defaults(() -> {}), CompactionOptions.defaults(), RepackOptions.defaults(), null, null);
    }

    public LsmOptions withFlushIntervalMs(long v) {
        return new LsmOptions(v, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withWalBytes(int bufferBytesMax, long unflushedBytesMax) {
        return new LsmOptions(flushIntervalMs, bufferBytesMax, unflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withMemtableBytesMax(long v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, v, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withWalObjectsPerMemtableMax(int v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                v, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withLargeValueBytes(int v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, v, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withPollIntervalMs(long v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, v, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withGc(long graceMs, long intervalMs) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, graceMs, intervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withRetry(RetryPolicy v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, v, compaction, repack, metrics, diskCache);
    }

    public LsmOptions withCompaction(CompactionOptions v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, v, repack, metrics, diskCache);
    }

    public LsmOptions withRepack(RepackOptions v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, v, metrics, diskCache);
    }

    public LsmOptions withMetrics(MeterRegistry v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, v, diskCache);
    }

    public LsmOptions withDiskCache(DiskRangeCache v) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCacheBytesMax, tableCacheBytesMax, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, v);
    }

    /** The disk cache as the readers use it ({@link RangeCache#NONE} when there is none). */
    public RangeCache diskRanges() {
        return diskCache == null ? RangeCache.NONE : diskCache;
    }

    public LsmOptions withCacheBytes(long valueCache, long tableCache) {
        return new LsmOptions(flushIntervalMs, walBufferBytesMax, walUnflushedBytesMax, memtableBytesMax, immutableMemtablesMax,
                walObjectsPerMemtableMax, largeValueBytes, pollIntervalMs, valueCache, tableCache, gcGraceMs, gcIntervalMs, leaseTtlMs, retry, compaction, repack, metrics, diskCache);
    }

    /**
     * Fits the engine's heap use to {@code memoryBytes} ({@code memory_size_gb}): a quarter each to the value and table
     * caches, an eighth to the active memtable (at most this one's size; {@link #immutableMemtablesMax} more may wait
     * for their flush) and an eighth to un-flushed WAL bytes, with 1 MiB floors so a tiny budget still runs.
     */
    public LsmOptions withMemoryBudget(long memoryBytes) {
        long eighth = Math.max(1 << 20, memoryBytes / 8);
        return withCacheBytes(memoryBytes / 4, memoryBytes / 4)
                .withMemtableBytesMax(Math.min(memtableBytesMax, eighth))
                .withWalBytes((int) Math.min(walBufferBytesMax, eighth), eighth);
    }
}
