package cairn.engine.fs.inode;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped per-inode locks. An operation locks every inode it changes; several are taken in stripe order,
 * so two operations can never deadlock, and operations on unrelated inodes rarely share a stripe.
 */
public final class InodeLocks {
    private static final int STRIPES = 4096;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    /** Released by {@link #close()} in reverse order; closing twice is harmless. */
    public final class Held implements AutoCloseable {
        private final int[] order;
        private boolean closed;

        private Held(int[] order) {
            this.order = order;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            for (int i = order.length - 1; i >= 0; i--) stripes[order[i]].unlock();
        }
    }

    public InodeLocks() {
        for (int i = 0; i < STRIPES; i++) stripes[i] = new ReentrantLock();
    }

    /** Locks the stripes of the given inodes (ids <= 0 are ignored). */
    public Held lock(long... inos) {
        int[] order = Arrays.stream(inos).filter(i -> i > 0).mapToInt(InodeLocks::stripe).distinct().sorted().toArray();
        for (int s : order) stripes[s].lock();
        return new Held(order);
    }

    private static int stripe(long ino) {
        long h = ino * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 52) & (STRIPES - 1);
    }
}
