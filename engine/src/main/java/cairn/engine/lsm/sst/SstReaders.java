package cairn.engine.lsm.sst;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.RangeCache;
import cairn.engine.lsm.cache.RangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The open SST readers of one database, sharing one range reader (the store), one local disk cache and one
 * block cache. An open reader holds its index and bloom filter in memory; readers are kept up to
 * {@code openBytesMax} of such metadata (least recently used closed first, re-opened on demand, usually from
 * the metadata cache). {@link #evict} drops SSTs that left the manifest.
 */
public final class SstReaders {
    private final RangeReader ranges;
    private final BlockCache cache;
    private final RangeCache disk;
    private final Cache<Ulid, SstReader> open;

    /** {@code disk}: the local cache of stored blocks consulted before {@code ranges} ({@link RangeCache#NONE}: none). */
    public SstReaders(RangeReader ranges, BlockCache cache, RangeCache disk, long openBytesMax) {
        this.ranges = ranges;
        this.cache = cache;
        this.disk = disk;
        this.open = Caffeine.newBuilder().maximumWeight(openBytesMax)
                .weigher((Ulid id, SstReader r) -> r.metadataBytes()).build();
    }

    public SstReaders(RangeReader ranges, BlockCache cache, long openBytesMax) {
        this(ranges, cache, RangeCache.NONE, openBytesMax);
    }

    public SstReaders(RangeReader ranges, BlockCache cache) {
        this(ranges, cache, RangeCache.NONE, OPEN_BYTES_MAX_DEFAULT);
    }

    /** Default bound of the pinned metadata of open readers. */
    public static final long OPEN_BYTES_MAX_DEFAULT = 256L << 20;

    public SstReader reader(SstInfo info) {
        SstReader r = open.getIfPresent(info.id());
        if (r != null) return r;
        r = SstReader.open(info, ranges, cache, disk); // outside any map lock: this is I/O
        SstReader raced = open.asMap().putIfAbsent(info.id(), r);
        return raced != null ? raced : r;
    }

    /** The range reader underneath, for callers that open SSTs from the object alone. */
    public RangeReader ranges() {
        return ranges;
    }

    /** Forgets the readers and cached blocks (memory and disk) of SSTs that are no longer in the manifest. */
    public void evict(Collection<SstInfo> removed) {
        List<String> keys = new ArrayList<>();
        for (SstInfo i : removed) {
            open.invalidate(i.id());
            keys.add(i.objectKey());
        }
        cache.invalidate(keys);
        disk.invalidate(keys);
    }

    public long openCount() {
        return open.estimatedSize();
    }

    /** The newest version of {@code key} with seq {@code <= maxSeq} in the run (may be a DELETE), or null. */
    public Entry get(SortedRun run, byte[] key, long maxSeq) {
        int i = run.find(key);
        return i < 0 ? null : reader(run.ssts().get(i)).get(key, maxSeq);
    }

    /** All versions in {@code [from, to)} of one SST. */
    public EntryIterator scan(SstInfo sst, byte[] from, byte[] to, boolean fillCache) {
        return reader(sst).scan(from, to, fillCache);
    }

    /** All versions in {@code [from, to)} of a run, opening its SSTs one after another as the scan reaches them. */
    public EntryIterator scan(SortedRun run, byte[] from, byte[] to, boolean fillCache) {
        List<SstInfo> hit = new ArrayList<>();
        for (SstInfo s : run.ssts()) {
            if (s.overlaps(from, to)) hit.add(s);
        }
        return new EntryIterator() {
            private int next;
            private EntryIterator current = EntryIterator.empty();

            @Override
            public Entry next() {
                while (true) {
                    Entry e = current.next();
                    if (e != null) return e;
                    if (next == hit.size()) return null;
                    current = scan(hit.get(next++), from, to, fillCache);
                }
            }
        };
    }
}
