package cairn.engine.lsm.iter;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import java.util.List;

/**
 * The visible view of several sorted sources at a snapshot: for each key, only the newest version with
 * {@code seq <= snapshotSeq}; keys whose visible version is a DELETE are hidden unless {@code keepTombstones}
 * (then the DELETE entry itself is returned). List sources newest first (memtable, immutable memtables, L0s
 * newest first, runs newest first); see {@link MergedEntries} for ties.
 */
public final class MergingIterator implements EntryIterator {
    private final MergedEntries merged;
    private final long snapshotSeq;
    private final boolean keepTombstones;
    private Entry pending;

    public MergingIterator(List<? extends EntryIterator> sources, long snapshotSeq, boolean keepTombstones) {
        this.merged = new MergedEntries(sources);
        this.snapshotSeq = snapshotSeq;
        this.keepTombstones = keepTombstones;
        this.pending = merged.next();
    }

    public MergingIterator(List<? extends EntryIterator> sources, long snapshotSeq) {
        this(sources, snapshotSeq, false);
    }

    @Override
    public Entry next() {
        while (pending != null) {
            Entry e = pending;
            pending = merged.next();
            if (e.seq() > snapshotSeq) continue; // too new for this snapshot; an older version may follow
            // e is the newest visible version of its key: skip the older ones
            while (pending != null && Keys.compare(pending.key(), e.key()) == 0) pending = merged.next();
            if (e.kind() == Entry.Kind.DELETE && !keepTombstones) continue;
            return e;
        }
        return null;
    }

    @Override
    public void close() {
        merged.close();
    }
}
