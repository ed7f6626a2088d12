package cairn.engine.fs.lock;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FsException;
import cairn.engine.fs.LockOwner;
import cairn.engine.fs.LockRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Advisory POSIX byte-range locks, in memory, per inode. A new lock replaces the owner's own locks over its
 * range (splitting them), and the owner's adjacent or overlapping locks of one type merge, as fcntl(2)
 * requires. Locks of different owners conflict when they overlap and either is a write lock. Each inode's
 * list is guarded by its own monitor.
 */
public final class RangeLocks {
    private static final long EOF = Long.MAX_VALUE;

    private record Held(LockOwner owner, LockRequest.Type type, long start, long end) {
        boolean overlaps(long s, long e) {
            return start < e && s < end;
        }

        LockRequest toRequest() {
            return new LockRequest(owner, type, start, end == EOF ? 0 : end - start);
        }
    }

    private final Map<Long, List<Held>> byInode = new ConcurrentHashMap<>();

    /** Applies the request; false (nothing changed) if another owner holds a conflicting lock. */
    public boolean lock(long ino, LockRequest r) {
        long start = r.start(), end = endOf(r);
        while (true) {
            List<Held> list = byInode.computeIfAbsent(ino, k -> new ArrayList<>());
            synchronized (list) {
                // an emptied list is unmapped under its monitor; retry on the list now in the map
                if (byInode.get(ino) == list) return apply(ino, list, r, start, end);
            }
        }
    }

    private boolean apply(long ino, List<Held> list, LockRequest r, long start, long end) {
        if (r.type() != LockRequest.Type.UNLOCK && conflict(list, r.owner(), r.type(), start, end) != null) return false;
        List<Held> next = new ArrayList<>();
        for (Held h : list) {
            if (!h.owner().equals(r.owner()) || !h.overlaps(start, end)) {
                next.add(h);
                continue;
            }
            if (h.start() < start) next.add(new Held(h.owner(), h.type(), h.start(), start));
            if (h.end() > end) next.add(new Held(h.owner(), h.type(), end, h.end()));
        }
        if (r.type() != LockRequest.Type.UNLOCK) next.add(new Held(r.owner(), r.type(), start, end));
        list.clear();
        list.addAll(merge(next));
        if (list.isEmpty()) byInode.remove(ino, list);
        return true;
    }

    /** The first lock of another owner that conflicts with the probe, or null. */
    public LockRequest test(long ino, LockRequest probe) {
        List<Held> list = byInode.get(ino);
        if (list == null || probe.type() == LockRequest.Type.UNLOCK) return null;
        synchronized (list) {
            Held h = conflict(list, probe.owner(), probe.type(), probe.start(), endOf(probe));
            return h == null ? null : h.toRequest();
        }
    }

    public void releaseAll(LockOwner owner) {
        for (Map.Entry<Long, List<Held>> e : byInode.entrySet()) {
            List<Held> list = e.getValue();
            synchronized (list) {
                list.removeIf(h -> h.owner().equals(owner));
                if (list.isEmpty()) byInode.remove(e.getKey(), list);
            }
        }
    }

    /** Drops every lock on an inode (it was deleted). */
    public void forget(long ino) {
        byInode.remove(ino);
    }

    private static Held conflict(List<Held> list, LockOwner owner, LockRequest.Type type, long start, long end) {
        for (Held h : list) {
            if (h.owner().equals(owner) || !h.overlaps(start, end)) continue;
            if (type == LockRequest.Type.WRITE || h.type() == LockRequest.Type.WRITE) return h;
        }
        return null;
    }

    private static List<Held> merge(List<Held> locks) {
        locks.sort(Comparator.comparing((Held h) -> h.owner().session()).thenComparingLong(h -> h.owner().owner())
                .thenComparing(Held::type).thenComparingLong(Held::start));
        List<Held> out = new ArrayList<>();
        for (Held h : locks) {
            if (!out.isEmpty()) {
                Held p = out.getLast();
                if (p.owner().equals(h.owner()) && p.type() == h.type() && h.start() <= p.end()) {
                    out.set(out.size() - 1, new Held(p.owner(), p.type(), p.start(), Math.max(p.end(), h.end())));
                    continue;
                }
            }
            out.add(h);
        }
        return out;
    }

    private static long endOf(LockRequest r) {
        if (r.start() < 0 || r.length() < 0) throw new FsException(Errno.EINVAL, "negative lock range");
        if (r.length() == 0) return EOF;
        long end = r.start() + r.length();
        if (end < r.start()) throw new FsException(Errno.EINVAL, "lock range overflows");
        return end;
    }
}
