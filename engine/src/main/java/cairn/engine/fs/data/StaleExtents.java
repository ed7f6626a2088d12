package cairn.engine.fs.data;

import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.store.MetaStore;
import cairn.engine.fs.store.Txn;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The extent index ranges {@code [from, to)} of one inode whose stored extents are garbage the background
 * reclaimer has yet to delete: what a large truncate cut off, or everything of a removed file ({@code [0, MAX)}).
 * Stored under the inode's tombstone key, so the cut is one small write and a restart resumes the reclaim.
 *
 * <p>Readers treat an extent inside a range as a hole, so nothing cut off is ever seen again, even after the file
 * grows back over it. A write that lands inside a range claims those indexes out of it first ({@link #remove}),
 * so the reclaimer never deletes fresh data. Every stale extent is charged exactly one extent of space until it
 * is deleted (the cut deletes a partial old tail inline to make this true). Ranges are disjoint and sorted.
 */
public final class StaleExtents {
    /** Most ranges kept per inode; a write that would split past this deletes a whole range inline. */
    public static final int MAX_RANGES = 64;
    /** Exclusive end of "every extent" ranges. */
    public static final long ALL = Long.MAX_VALUE;

    public record Range(long from, long to) {
        public long span() {
            return to - from;
        }
    }

    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    public static StaleExtents load(MetaStore store, long ino) {
        StaleExtents s = new StaleExtents();
        store.get(FsKeys.tombstone(ino)).ifPresent(s::decode);
        return s;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public int size() {
        return ranges.size();
    }

    public boolean contains(long index) {
        Map.Entry<Long, Long> e = ranges.floorEntry(index);
        return e != null && index < e.getValue();
    }

    public boolean overlaps(long from, long to) {
        Map.Entry<Long, Long> e = ranges.lowerEntry(to);
        return e != null && e.getValue() > from;
    }

    public Range first() {
        Map.Entry<Long, Long> e = ranges.firstEntry();
        return new Range(e.getKey(), e.getValue());
    }

    public Range smallest() {
        Map.Entry<Long, Long> min = null;
        for (Map.Entry<Long, Long> e : ranges.entrySet())
            if (min == null || e.getValue() - e.getKey() < min.getValue() - min.getKey()) min = e;
        return new Range(min.getKey(), min.getValue());
    }

    /** Adds {@code [from, to)}, merging with overlapping or adjacent ranges. */
    public void add(long from, long to) {
        if (from >= to) return;
        Map.Entry<Long, Long> before = ranges.floorEntry(from);
        if (before != null && before.getValue() >= from) {
            from = before.getKey();
            to = Math.max(to, before.getValue());
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(from); e != null && e.getKey() <= to; e = ranges.ceilingEntry(from)) {
            to = Math.max(to, e.getValue());
            ranges.remove(e.getKey());
        }
        ranges.put(from, to);
    }

    /** Removes {@code [from, to)}, splitting a range that straddles it. */
    public void remove(long from, long to) {
        if (from >= to) return;
        Map.Entry<Long, Long> before = ranges.lowerEntry(from);
        if (before != null && before.getValue() > from) {
            ranges.put(before.getKey(), from);
            if (before.getValue() > to) ranges.put(to, before.getValue());
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(from); e != null && e.getKey() < to; e = ranges.ceilingEntry(from)) {
            ranges.remove(e.getKey());
            if (e.getValue() > to) ranges.put(to, e.getValue());
        }
    }

    /** Stages the ranges as they are now (the tombstone goes when none is left). */
    public void stage(Txn t, long ino) {
        if (ranges.isEmpty()) {
            t.delete(FsKeys.tombstone(ino));
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(16 * ranges.size());
        ranges.forEach((from, to) -> b.putLong(from).putLong(to));
        t.put(FsKeys.tombstone(ino), b.array());
    }

    private void decode(byte[] v) {
        if (v.length == 8) { // the first format: one size, the whole file removed
            ranges.put(0L, ALL);
            return;
        }
        if (v.length % 16 != 0 || v.length / 16 > 4 * MAX_RANGES)
            throw new IllegalStateException("corrupt tombstone: " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v);
        while (b.hasRemaining()) {
            long from = b.getLong(), to = b.getLong();
            if (from < 0 || from >= to) throw new IllegalStateException("corrupt tombstone range [" + from + ", " + to + ")");
            ranges.put(from, to);
        }
    }
}
