package cairn.engine.fs.inode;

import java.util.concurrent.ConcurrentHashMap;

/** Open counts per inode (in memory: after a restart nothing is open and orphans are reclaimed). */
public final class OpenFiles {
    private final ConcurrentHashMap<Long, Integer> counts = new ConcurrentHashMap<>();

    public void open(long ino) {
        counts.merge(ino, 1, Integer::sum);
    }

    /** Drops one open; returns the opens left. Callers hold the inode's lock. */
    public int release(long ino) {
        Integer left = counts.computeIfPresent(ino, (k, v) -> v == 1 ? null : v - 1);
        return left == null ? 0 : left;
    }

    public boolean isOpen(long ino) {
        return counts.containsKey(ino);
    }
}
