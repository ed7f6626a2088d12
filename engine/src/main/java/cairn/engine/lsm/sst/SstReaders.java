package cairn.engine.lsm.sst;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.RangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open SST readers of one database, sharing one range reader (store, maybe behind a disk cache) and one
 * block cache. A reader stays open (index and filter pinned in memory) until {@link #evict} is called for its
 * SST, normally when compaction removed it from the manifest.
 */
public final class SstReaders {
    private final RangeReader ranges;
    private final BlockCache cache;
    private final ConcurrentHashMap<Ulid, SstReader> open = new ConcurrentHashMap<>();

    public SstReaders(RangeReader ranges, BlockCache cache) {
        this.ranges = ranges;
        this.cache = cache;
    }

    public SstReader reader(SstInfo info) {
        SstReader r = open.get(info.id());
        if (r != null) return r;
        r = SstReader.open(info, ranges, cache); // outside the map lock: this is I/O
        SstReader raced = open.putIfAbsent(info.id(), r);
        return raced != null ? raced : r;
    }

    /** Forgets the readers and cached blocks of SSTs that are no longer in the manifest. */
    public void evict(Collection<SstInfo> removed) {
        List<String> keys = new ArrayList<>();
        for (SstInfo i : removed) {
            open.remove(i.id());
            keys.add(i.objectKey());
        }
        cache.invalidate(keys);
    }

    public int openCount() {
        return open.size();
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
