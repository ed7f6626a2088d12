package cairn.engine.lsm.compaction;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;

/**
 * Drops versions no reader can see any more from a merged stream (all versions, engine order). Per key:
 * every version newer than {@code minRetainedSeq} is kept (a live snapshot may read it), plus the newest version
 * at or below it (what the oldest snapshot sees); older ones are dropped. When {@code bottom}, that newest
 * retained-for-the-oldest-snapshot version is dropped too if it is a DELETE: nothing older exists below it.
 * Dropped POINTER entries go to the listener.
 */
final class VersionRetention implements EntryIterator {
    private final EntryIterator in;
    private final long minRetainedSeq;
    private final boolean bottom;
    private final PointerDropListener listener;
    private byte[] currentKey;
    private boolean baseSeen; // the current key's newest version <= minRetainedSeq was already handled
    long entriesIn;
    long versionsDropped;
    long tombstonesDropped;
    long pointersDropped;

    VersionRetention(EntryIterator in, long minRetainedSeq, boolean bottom, PointerDropListener listener) {
        this.in = in;
        this.minRetainedSeq = minRetainedSeq;
        this.bottom = bottom;
        this.listener = listener;
    }

    @Override
    public Entry next() {
        for (Entry e; (e = in.next()) != null; ) {
            entriesIn++;
            if (currentKey == null || Keys.compare(currentKey, e.key()) != 0) {
                currentKey = e.key();
                baseSeen = false;
            }
            if (e.seq() > minRetainedSeq) return e;
            if (!baseSeen) {
                baseSeen = true;
                if (!(bottom && e.kind() == Entry.Kind.DELETE)) return e;
                tombstonesDropped++;
                continue;
            }
            versionsDropped++;
            if (e.kind() == Entry.Kind.POINTER) {
                pointersDropped++;
                listener.dropped(e.value());
            }
        }
        return null;
    }

    @Override
    public void close() {
        in.close();
    }
}
