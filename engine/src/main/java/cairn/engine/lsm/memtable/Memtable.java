package cairn.engine.lsm.memtable;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory table: versions ordered by (key ascending, seq descending), so the newest version of a key
 * comes first. Writers insert from one thread at a time; readers filter by a sequence number, so a reader never
 * sees a batch whose seq is above the one it reads at. Entries of one batch share one seq.
 */
public final class Memtable {

    /** Orders engine entries: key ascending (unsigned), then seq descending. */
    public static final Comparator<Entry> ORDER = (a, b) -> {
        int c = Keys.compare(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
    };

    /** Per-entry overhead counted on top of key and value bytes (skip-list node, record, arrays). */
    static final int ENTRY_OVERHEAD_BYTES = 64;

    private final ConcurrentSkipListMap<Entry, Entry> entries = new ConcurrentSkipListMap<>(ORDER);
    private final AtomicLong bytes = new AtomicLong();
    private volatile long maxSeq;
    private volatile long minSeq = Long.MAX_VALUE;

    public void add(Entry e) {
        Entry old = entries.put(e, e);
        long delta = weigh(e) - (old == null ? 0 : weigh(old));
        bytes.addAndGet(delta);
        if (e.seq() > maxSeq) maxSeq = e.seq();
        if (e.seq() < minSeq) minSeq = e.seq();
    }

    /** The newest version of {@code key} with seq at most {@code readSeq} (a DELETE counts), or null. */
    public Entry get(byte[] key, long readSeq) {
        Map.Entry<Entry, Entry> e = entries.ceilingEntry(probe(key, readSeq));
        if (e == null || Keys.compare(e.getKey().key(), key) != 0) return null;
        return e.getValue();
    }

    /** Every version with {@code from <= key < to} (to null: no end), in {@link #ORDER}. */
    public Iterator<Entry> iterator(byte[] from, byte[] to) {
        var head = entries.tailMap(probe(from, Long.MAX_VALUE), true);
        var range = to == null ? head : head.headMap(probe(to, Long.MAX_VALUE), false);
        return range.values().iterator();
    }

    /** Every version in {@link #ORDER}. */
    public Iterator<Entry> iterator() {
        return entries.values().iterator();
    }

    public long sizeBytes() {
        return bytes.get();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int entryCount() {
        return entries.size();
    }

    public long maxSeq() {
        return maxSeq;
    }

    /** A new memtable holding only the versions above {@code seq} (used when a flushed L0 covers the rest). */
    public Memtable retainAbove(long seq) {
        Memtable m = new Memtable();
        for (Entry e : entries.values()) if (e.seq() > seq) m.add(e);
        return m;
    }

    private static Entry probe(byte[] key, long seq) {
        return new Entry(key, seq, Entry.Kind.DELETE, Entry.EMPTY);
    }

    private static long weigh(Entry e) {
        return e.key().length + e.value().length + ENTRY_OVERHEAD_BYTES;
    }
}
