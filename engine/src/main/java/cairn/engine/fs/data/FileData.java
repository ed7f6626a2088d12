package cairn.engine.fs.data;

import cairn.engine.fs.Segment;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.InodeRecord;
import cairn.engine.fs.store.MetaStore;
import cairn.engine.fs.store.Txn;
import cairn.engine.lsm.KeyValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * File contents as fixed-size extents (key ino|index). A missing extent is a hole; an extent that would be
 * all zeros is deleted instead of stored. No extent holds bytes at or beyond the file size, and a stored
 * extent may be shorter than its span (the rest reads as zeros).
 *
 * <p>Space accounting: an existing extent {@code i} accounts for its <em>coverage</em>, the part of its span
 * below the file size ({@link #coverage}). Each change adjusts {@code InodeRecord.usedBytes} and the
 * transaction's byte delta by exactly the coverage it adds or removes, so the volume total stays exact
 * without ever reading values to learn their length. Callers hold the inode's lock.
 */
public final class FileData {
    private final MetaStore store;
    private final int extentBytes;

    public FileData(MetaStore store, int extentBytes) {
        this.store = store;
        this.extentBytes = extentBytes;
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
        for (KeyValue kv : store.scan(FsKeys.extent(n.ino, first), FsKeys.extent(n.ino, last + 1), Integer.MAX_VALUE)) {
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
        Set<Long> present = existing(n.ino, first, last + 1);
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
            delta += store(t, n.ino, i, buf, had, span, oldSize);
        }
        delta += growTail(n, oldSize, newSize, first, last);
        n.size = newSize;
        charge(t, n, delta);
    }

    /** Changes the size: shrinking drops and trims extents, growing leaves a hole. */
    public void resize(Txn t, InodeRecord n, long newSize) {
        long oldSize = n.size;
        if (newSize == oldSize) return;
        long delta = 0;
        if (newSize < oldSize) {
            long keep = (newSize + extentBytes - 1) / extentBytes;
            for (byte[] key : store.scanKeys(FsKeys.extent(n.ino, keep), FsKeys.extentEnd(n.ino), Integer.MAX_VALUE)) {
                t.delete(key);
                delta -= coverage(indexOf(key), oldSize);
            }
            int cut = (int) (newSize % extentBytes);
            long tail = newSize / extentBytes;
            if (cut != 0 && store.exists(FsKeys.extent(n.ino, tail))) {
                byte[] old = extent(n.ino, tail);
                byte[] buf = Arrays.copyOf(old, Math.min(old.length, cut));
                delta += store(t, n.ino, tail, buf, true, cut, oldSize);
            }
        } else {
            delta += growTail(n, oldSize, newSize, -1, -1);
        }
        n.size = newSize;
        charge(t, n, delta);
    }

    /** Zeroes {@code [offset, offset+length)} within the size; whole extents become holes. */
    public void punch(Txn t, InodeRecord n, long offset, long length) {
        long end = Math.min(n.size, saturatedEnd(offset, length));
        if (offset >= end) return;
        long first = offset / extentBytes, last = (end - 1) / extentBytes;
        long delta = 0;
        for (long i : existing(n.ino, first, last + 1)) {
            long start = i * extentBytes;
            int span = (int) coverage(i, n.size);
            int lo = (int) (Math.max(offset, start) - start), hi = (int) (Math.min(end, start + extentBytes) - start);
            if (lo == 0 && hi >= span) {
                t.delete(FsKeys.extent(n.ino, i));
                delta -= span;
            } else {
                byte[] buf = extent(n.ino, i);
                if (lo < buf.length) Arrays.fill(buf, lo, Math.min(hi, buf.length), (byte) 0);
                delta += store(t, n.ino, i, buf, true, span, n.size);
            }
        }
        charge(t, n, delta);
    }

    /** Deletes every extent of the inode (inline delete of a small file). */
    public void dropAll(Txn t, InodeRecord n) {
        dropSome(t, n.ino, n.size, Integer.MAX_VALUE);
    }

    /** Deletes up to {@code max} extents of a file of {@code size}; returns how many were deleted. */
    public int dropSome(Txn t, long ino, long size, int max) {
        List<byte[]> keys = store.scanKeys(FsKeys.extentPrefix(ino), FsKeys.extentEnd(ino), max);
        long delta = 0;
        for (byte[] key : keys) {
            t.delete(key);
            delta -= coverage(indexOf(key), size);
        }
        t.addBytes(delta);
        return keys.size();
    }

    // ---- map --------------------------------------------------------------------------------------------

    /** Data and hole runs of {@code [offset, offset+length)} clipped to the size, adjacent runs merged. */
    public List<Segment> map(InodeRecord n, long offset, long length) {
        long end = Math.min(n.size, saturatedEnd(offset, length));
        List<Segment> out = new ArrayList<>();
        if (offset >= end) return out;
        long first = offset / extentBytes, last = (end - 1) / extentBytes;
        long cursor = offset;
        for (long i : existing(n.ino, first, last + 1)) {
            long from = Math.max(offset, i * extentBytes), to = Math.min(end, i * extentBytes + coverage(i, n.size));
            if (from >= to) continue;
            if (from > cursor) add(out, cursor, from - cursor, true);
            add(out, from, to - from, false);
            cursor = to;
        }
        if (cursor < end) add(out, cursor, end - cursor, true);
        return out;
    }

    /** Bytes of {@code [offset, offset+length)} that are holes or beyond the size (what allocate would fill). */
    public long unallocatedBytes(InodeRecord n, long offset, long length) {
        long end = saturatedEnd(offset, length);
        long holes = 0;
        for (Segment s : map(n, offset, length)) if (s.hole()) holes += s.length();
        return holes + Math.max(0, end - Math.max(offset, n.size));
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

    /** Stores or deletes one extent; returns the change in coverage. */
    private long store(Txn t, long ino, long index, byte[] buf, boolean had, int newSpan, long oldSize) {
        boolean keep = !allZero(buf);
        if (keep) t.put(FsKeys.extent(ino, index), buf);
        else if (had) t.delete(FsKeys.extent(ino, index));
        return (keep ? newSpan : 0) - (had ? coverage(index, oldSize) : 0);
    }

    /** Growing the size extends the coverage of a partial tail extent that the write did not touch. */
    private long growTail(InodeRecord n, long oldSize, long newSize, long first, long last) {
        if (newSize <= oldSize || oldSize % extentBytes == 0) return 0;
        long tail = oldSize / extentBytes;
        if (tail >= first && tail <= last) return 0;
        if (!store.exists(FsKeys.extent(n.ino, tail))) return 0;
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

    /** Indexes of stored extents in {@code [from, to)}, ascending. */
    private Set<Long> existing(long ino, long from, long to) {
        Set<Long> out = new LinkedHashSet<>();
        for (byte[] key : store.scanKeys(FsKeys.extent(ino, from), FsKeys.extent(ino, to), Integer.MAX_VALUE))
            out.add(indexOf(key));
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
