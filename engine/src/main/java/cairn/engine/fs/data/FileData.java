package cairn.engine.fs.data;

import cairn.engine.fs.Segment;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.InodeRecord;
import cairn.engine.fs.store.MetaStore;
import cairn.engine.fs.store.Txn;
import cairn.engine.lsm.KeyValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * File contents as fixed-size extents (key ino|index). A missing extent is a hole; an extent that a write
 * would leave all zeros is deleted instead of stored. {@link #allocate} stores empty extents: allocated space
 * that reads as zeros. No extent holds bytes at or beyond the file size, and a stored extent may be shorter
 * than its span (the rest reads as zeros).
 *
 * <p>Space accounting: an existing extent {@code i} accounts for its <em>coverage</em>, the part of its span
 * below the file size ({@link #coverage}). Each change adjusts {@code InodeRecord.usedBytes} and the
 * transaction's byte delta by exactly the coverage it adds or removes, so the volume total stays exact
 * without ever reading values to learn their length. Extents cut off by a large truncate or a removal are
 * {@link StaleExtents}: invisible at once, charged one extent each until the reclaimer deletes them
 * ({@link #reclaimSome}). Callers hold the inode's lock.
 */
public final class FileData {
    private static final int SCAN_PAGE = 4096;

    private final MetaStore store;
    private final int extentBytes;
    private final int inlineDeleteExtents;

    /** @param inlineDeleteExtents a truncate that cuts off more extents than this leaves them to the reclaimer */
    public FileData(MetaStore store, int extentBytes, int inlineDeleteExtents) {
        this.store = store;
        this.extentBytes = extentBytes;
        this.inlineDeleteExtents = inlineDeleteExtents;
    }

    /** The same files read through another view (a snapshot). */
    public FileData over(MetaStore view) {
        return new FileData(view, extentBytes, inlineDeleteExtents);
    }

    /** The stale ranges of an inode (empty for most). */
    public StaleExtents stale(long ino) {
        return StaleExtents.load(store, ino);
    }

    public int extentBytes() {
        return extentBytes;
    }

    /** Bytes of extent {@code index} below {@code size}. */
    public long coverage(long index, long size) {
        return Math.max(0, Math.min(extentBytes, size - index * extentBytes));
    }

    // ---- read -------------------------------------------------------------------------------------------

    /** {@code length} bytes from {@code offset} (caller clips to the size); holes read as zeros. */
    public byte[] read(InodeRecord n, long offset, int length) {
        byte[] out = new byte[length];
        if (length == 0) return out;
        long end = offset + length;
        long first = offset / extentBytes, last = (end - 1) / extentBytes;
        StaleExtents stale = stale(n.ino);
        for (KeyValue kv : store.scan(FsKeys.extent(n.ino, first), FsKeys.extent(n.ino, last + 1), Integer.MAX_VALUE)) {
            if (stale.contains(indexOf(kv.key()))) continue;
            long start = indexOf(kv.key()) * extentBytes;
            byte[] v = kv.value();
            long from = Math.max(offset, start), to = Math.min(end, start + v.length);
            if (from < to) System.arraycopy(v, (int) (from - start), out, (int) (from - offset), (int) (to - from));
        }
        return out;
    }

    // ---- write ------------------------------------------------------------------------------------------

    /** Writes {@code data} at {@code offset}, growing the size as needed. */
    public void write(Txn t, InodeRecord n, long offset, byte[] data) {
        if (data.length == 0) return;
        long end = offset + data.length;
        long oldSize = n.size, newSize = Math.max(oldSize, end);
        long first = offset / extentBytes, last = (end - 1) / extentBytes;
        StaleExtents stale = stale(n.ino);
        Set<Long> present = existing(n.ino, first, last + 1, stale);
        Set<Long> reused = claim(t, n, stale, first, last + 1);
        long delta = 0;
        for (long i = first; i <= last; i++) {
            long start = i * extentBytes;
            int span = (int) coverage(i, newSize);
            int lo = (int) (Math.max(offset, start) - start), hi = (int) (Math.min(end, start + extentBytes) - start);
            boolean had = present.contains(i);
            byte[] buf = new byte[span];
            if (had && !(lo == 0 && hi >= span)) {
                byte[] old = extent(n.ino, i);
                System.arraycopy(old, 0, buf, 0, Math.min(old.length, span));
            }
            System.arraycopy(data, (int) (start + lo - offset), buf, lo, hi - lo);
            delta += store(t, n.ino, i, buf, had, reused.contains(i), span, oldSize);
        }
        delta += growTail(n, oldSize, newSize, first, last, stale);
        n.size = newSize;
        charge(t, n, delta);
    }

    /**
     * Changes the size: shrinking drops and trims extents, growing leaves a hole. A shrink that cuts off more
     * than {@code inlineDeleteExtents} extents only marks them stale; returns whether it left work for the
     * reclaimer.
     */
    public boolean resize(Txn t, InodeRecord n, long newSize) {
        long oldSize = n.size;
        if (newSize == oldSize) return false;
        StaleExtents stale = stale(n.ino);
        long delta = 0;
        boolean deferred = false;
        if (newSize < oldSize) {
            long keep = (newSize + extentBytes - 1) / extentBytes;
            List<byte[]> cut = store.scanKeys(FsKeys.extent(n.ino, keep), FsKeys.extentEnd(n.ino), inlineDeleteExtents + 1);
            if (cut.size() <= inlineDeleteExtents) {
                for (byte[] key : cut) {
                    if (stale.contains(indexOf(key))) continue;
                    t.delete(key);
                    delta -= coverage(indexOf(key), oldSize);
                }
            } else {
                delta += discard(t, n, keep, (oldSize + extentBytes - 1) / extentBytes, stale);
                deferred = true;
            }
            long tail = newSize / extentBytes;
            if (newSize % extentBytes != 0 && isLive(n.ino, tail, stale)) {
                byte[] old = extent(n.ino, tail);
                byte[] buf = Arrays.copyOf(old, (int) Math.min(old.length, newSize % extentBytes));
                delta += store(t, n.ino, tail, buf, true, false, (int) (newSize % extentBytes), oldSize);
            }
        } else {
            delta += growTail(n, oldSize, newSize, -1, -1, stale);
        }
        n.size = newSize;
        charge(t, n, delta);
        return deferred;
    }

    /**
     * Marks every extent of a removed inode stale (its tombstone), for the reclaimer. The inode's record is
     * deleted by the caller in the same transaction.
     */
    public void discardAll(Txn t, InodeRecord n) {
        charge(t, n, discard(t, n, 0, StaleExtents.ALL, stale(n.ino)));
    }

    /**
     * Makes extents {@code [keep, end)} stale. A partial old tail at or past {@code keep} is deleted here, so
     * every extent left for the reclaimer is charged exactly one extent. Returns the coverage change.
     */
    private long discard(Txn t, InodeRecord n, long keep, long end, StaleExtents stale) {
        long delta = 0;
        long oldTail = (n.size - 1) / extentBytes;
        if (n.size % extentBytes != 0 && oldTail >= keep && isLive(n.ino, oldTail, stale)) {
            t.delete(FsKeys.extent(n.ino, oldTail));
            delta -= coverage(oldTail, n.size);
        }
        stale.add(keep, end);
        return delta + stageBounded(t, n.ino, stale);
    }

    /** Zeroes {@code [offset, offset+length)} within the size; whole extents become holes. */
    public void punch(Txn t, InodeRecord n, long offset, long length) {
        long end = Math.min(n.size, saturatedEnd(offset, length));
        if (offset >= end) return;
        long first = offset / extentBytes, last = (end - 1) / extentBytes;
        long delta = 0;
        for (long i : existing(n.ino, first, last + 1, stale(n.ino))) {
            long start = i * extentBytes;
            int span = (int) coverage(i, n.size);
            int lo = (int) (Math.max(offset, start) - start), hi = (int) (Math.min(end, start + extentBytes) - start);
            if (lo == 0 && hi >= span) {
                t.delete(FsKeys.extent(n.ino, i));
                delta -= span;
            } else {
                byte[] buf = extent(n.ino, i);
                if (lo < buf.length) Arrays.fill(buf, lo, Math.min(hi, buf.length), (byte) 0);
                delta += store(t, n.ino, i, buf, true, false, span, n.size);
            }
        }
        charge(t, n, delta);
    }

    /**
     * Allocates extents {@code [from, to)} (all below the size): each hole becomes an empty stored extent that
     * reads as zeros and is charged its coverage, so the quota is taken now and later writes there need no
     * space. Extents that hold data stay as they are.
     */
    public void allocate(Txn t, InodeRecord n, long from, long to) {
        StaleExtents stale = stale(n.ino);
        Set<Long> present = existing(n.ino, from, to, stale);
        claim(t, n, stale, from, to);
        long delta = 0;
        for (long i = from; i < to; i++) {
            if (present.contains(i)) continue;
            t.put(FsKeys.extent(n.ino, i), new byte[0]);
            delta += coverage(i, n.size);
        }
        charge(t, n, delta);
    }

    /** Deletes every extent of an inode without stale ranges (inline delete of a small file). */
    public void dropAll(Txn t, InodeRecord n) {
        long delta = 0;
        for (byte[] key : store.scanKeys(FsKeys.extentPrefix(n.ino), FsKeys.extentEnd(n.ino), Integer.MAX_VALUE)) {
            t.delete(key);
            delta -= coverage(indexOf(key), n.size);
        }
        charge(t, n, delta);
    }

    /**
     * Deletes up to {@code max} stale extents of the inode's first stale range and narrows the range (the
     * tombstone goes with the last one). Debits one extent per deletion, from the inode too while it lives.
     * Returns false when the inode had nothing stale left.
     */
    public boolean reclaimSome(Txn t, long ino, int max) {
        StaleExtents stale = stale(ino);
        if (stale.isEmpty()) return false;
        StaleExtents.Range r = stale.first();
        List<byte[]> keys = store.scanKeys(FsKeys.extent(ino, r.from()), FsKeys.extent(ino, r.to()), max);
        for (byte[] key : keys) t.delete(key);
        stale.remove(r.from(), keys.size() < max ? r.to() : indexOf(keys.getLast()) + 1);
        stale.stage(t, ino);
        long debit = (long) keys.size() * extentBytes;
        InodeRecord n = store.inode(ino);
        if (n == null) {
            t.addBytes(-debit);
        } else {
            charge(t, n, -debit);
            t.update(n);
        }
        return true;
    }

    // ---- map --------------------------------------------------------------------------------------------

    /** Data and hole runs of {@code [offset, offset+length)} clipped to the size, adjacent runs merged. */
    public List<Segment> map(InodeRecord n, long offset, long length) {
        long end = Math.min(n.size, saturatedEnd(offset, length));
        List<Segment> out = new ArrayList<>();
        if (offset >= end) return out;
        long first = offset / extentBytes, last = (end - 1) / extentBytes;
        long cursor = offset;
        for (long i : existing(n.ino, first, last + 1, stale(n.ino))) {
            long from = Math.max(offset, i * extentBytes), to = Math.min(end, i * extentBytes + coverage(i, n.size));
            if (from >= to) continue;
            if (from > cursor) add(out, cursor, from - cursor, true);
            add(out, from, to - from, false);
            cursor = to;
        }
        if (cursor < end) add(out, cursor, end - cursor, true);
        return out;
    }

    /** Coverage of the holes among extents {@code [from, to)} (below the size): what {@link #allocate} adds. */
    public long unallocatedBytes(InodeRecord n, long from, long to) {
        long total = Math.max(0, Math.min(n.size, to * extentBytes) - from * extentBytes);
        StaleExtents stale = stale(n.ino);
        for (long next = from; next < to; ) {
            List<byte[]> keys = store.scanKeys(FsKeys.extent(n.ino, next), FsKeys.extent(n.ino, to), SCAN_PAGE);
            for (byte[] key : keys) if (!stale.contains(indexOf(key))) total -= coverage(indexOf(key), n.size);
            next = keys.size() < SCAN_PAGE ? to : indexOf(keys.getLast()) + 1;
        }
        return total;
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static void add(List<Segment> out, long offset, long length, boolean hole) {
        if (!out.isEmpty()) {
            Segment prev = out.getLast();
            if (prev.hole() == hole && prev.offset() + prev.length() == offset) {
                out.set(out.size() - 1, new Segment(prev.offset(), prev.length() + length, hole));
                return;
            }
        }
        out.add(new Segment(offset, length, hole));
    }

    /**
     * Stores or deletes one extent; returns the change in coverage. {@code staleKey}: a claimed stale extent
     * sits under the key (already debited) and must be overwritten or deleted.
     */
    private long store(Txn t, long ino, long index, byte[] buf, boolean had, boolean staleKey, int newSpan, long oldSize) {
        boolean keep = !allZero(buf);
        if (keep) t.put(FsKeys.extent(ino, index), buf);
        else if (had || staleKey) t.delete(FsKeys.extent(ino, index));
        return (keep ? newSpan : 0) - (had ? coverage(index, oldSize) : 0);
    }

    /**
     * Takes extents {@code [from, to)} out of the stale ranges before an operation stores there: returns the
     * indexes where a stale extent is still stored (debited here; the caller overwrites or deletes each).
     */
    private Set<Long> claim(Txn t, InodeRecord n, StaleExtents stale, long from, long to) {
        if (!stale.overlaps(from, to)) return Set.of();
        Set<Long> reused = new HashSet<>();
        for (byte[] key : store.scanKeys(FsKeys.extent(n.ino, from), FsKeys.extent(n.ino, to), Integer.MAX_VALUE))
            if (stale.contains(indexOf(key))) reused.add(indexOf(key));
        stale.remove(from, to);
        charge(t, n, -(long) reused.size() * extentBytes + stageBounded(t, n.ino, stale));
        return reused;
    }

    /**
     * Stages the stale ranges, first deleting whole ranges inline (smallest first) while there are more than
     * {@link StaleExtents#MAX_RANGES}. Returns the coverage change of those deletions.
     */
    private long stageBounded(Txn t, long ino, StaleExtents stale) {
        long delta = 0;
        while (stale.size() > StaleExtents.MAX_RANGES) {
            StaleExtents.Range r = stale.smallest();
            for (byte[] key : store.scanKeys(FsKeys.extent(ino, r.from()), FsKeys.extent(ino, r.to()), Integer.MAX_VALUE)) {
                t.delete(key);
                delta -= extentBytes;
            }
            stale.remove(r.from(), r.to());
        }
        stale.stage(t, ino);
        return delta;
    }

    private boolean isLive(long ino, long index, StaleExtents stale) {
        return !stale.contains(index) && store.exists(FsKeys.extent(ino, index));
    }

    /** Growing the size extends the coverage of a partial tail extent that the write did not touch. */
    private long growTail(InodeRecord n, long oldSize, long newSize, long first, long last, StaleExtents stale) {
        if (newSize <= oldSize || oldSize % extentBytes == 0) return 0;
        long tail = oldSize / extentBytes;
        if (tail >= first && tail <= last) return 0;
        if (!isLive(n.ino, tail, stale)) return 0;
        return coverage(tail, newSize) - coverage(tail, oldSize);
    }

    private static void charge(Txn t, InodeRecord n, long delta) {
        n.usedBytes += delta;
        t.addBytes(delta);
    }

    private byte[] extent(long ino, long index) {
        return store.get(FsKeys.extent(ino, index)).orElseThrow(
                () -> new IllegalStateException("extent " + ino + "/" + index + " vanished under the inode lock"));
    }

    /** Indexes of live (stored, not stale) extents in {@code [from, to)}, ascending. */
    private Set<Long> existing(long ino, long from, long to, StaleExtents stale) {
        Set<Long> out = new LinkedHashSet<>();
        for (byte[] key : store.scanKeys(FsKeys.extent(ino, from), FsKeys.extent(ino, to), Integer.MAX_VALUE))
            if (!stale.contains(indexOf(key))) out.add(indexOf(key));
        return out;
    }

    private static long indexOf(byte[] extentKey) {
        return FsKeys.idAt(extentKey, 9);
    }

    private static long saturatedEnd(long offset, long length) {
        long end = offset + length;
        return end < offset ? Long.MAX_VALUE : end;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }
}
