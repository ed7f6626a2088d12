package cairn.engine.lsm;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.RangeCache;
import cairn.engine.lsm.cache.RangeReader;
import cairn.engine.lsm.cache.StoreRangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.sst.ByteSource;
import cairn.engine.lsm.sst.SstInfo;
import cairn.engine.lsm.sst.SstOptions;
import cairn.engine.lsm.sst.SstReader;
import cairn.engine.lsm.sst.SstReaders;
import cairn.engine.lsm.sst.SstWriter;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import java.util.Iterator;

/**
 * {@link TableFormat} over the block-based SST of {@code cairn.engine.lsm.sst}: blocks, bloom filter, block
 * index, per-block compression and checksums, a block cache split into data and metadata, and optionally a local
 * disk cache of stored blocks below it. The manifest keeps the
 * encoded {@link SstInfo} as the handle's descriptor, so an SST opens without reading its footer. Every store
 * call goes through the retry policy.
 */
public final class BlockTableFormat implements TableFormat {
    private final ObjectStore store;
    private final SstOptions sstOptions;
    private final RetryPolicy retry;
    private final BlockCache cache;
    private final SstReaders readers;

    /** {@code disk}: the local cache of stored blocks below the block cache ({@link RangeCache#NONE}: none). */
    public BlockTableFormat(ObjectStore store, SstOptions sstOptions, RetryPolicy retry, long cacheBytesMax, RangeCache disk) {
        this.store = store;
        this.sstOptions = sstOptions;
        this.retry = retry;
        RangeReader direct = new StoreRangeReader(store);
        RangeReader retrying = (key, offset, length) -> retry.call("read " + key, () -> direct.read(key, offset, length));
        this.cache = new BlockCache(cacheBytesMax * 3 / 4, cacheBytesMax / 4);
        this.readers = new SstReaders(retrying, cache, disk, SstReaders.OPEN_BYTES_MAX_DEFAULT);
    }

    /** Hits, misses and bytes of the block cache (for meters). */
    public BlockCache.Counters cacheCounters() {
        return cache.counters();
    }

    @Override
    public SstHandle write(Iterator<Entry> entries, long writerEpoch) {
        // materialise once so a retried upload (a new SST id) writes the same entries
        var all = new java.util.ArrayList<Entry>();
        entries.forEachRemaining(all::add);
        SstInfo info = retry.call("write SST", () -> new SstWriter(store, sstOptions, writerEpoch).write(all.iterator()));
        return handle(info);
    }

    /** The manifest record of an SST of this format. */
    public static SstHandle handle(SstInfo info) {
        return new SstHandle(info.id().toString(), info.firstKey(), info.lastKey(), info.sizeBytes(), info.maxSeq(), info.encode());
    }

    /** The SST library's record of a manifest SST (decoded from the descriptor). */
    public static SstInfo info(SstHandle handle) {
        return SstInfo.decode(new ByteSource(handle.descriptor(), handle.objectKey()));
    }

    /** The open readers, shared with compaction (which scans without filling the block cache). */
    public SstReaders readers() {
        return readers;
    }

    public SstOptions sstOptions() {
        return sstOptions;
    }

    @Override
    public Table open(SstHandle handle) {
        SstReader reader = readers.reader(info(handle));
        return new Table() {
            @Override
            public Entry get(byte[] key, long readSeq) {
                return reader.get(key, readSeq);
            }

            @Override
            public Iterator<Entry> scan(byte[] from, byte[] to) {
                return reader.scan(from, to).asIterator();
            }
        };
    }
}
