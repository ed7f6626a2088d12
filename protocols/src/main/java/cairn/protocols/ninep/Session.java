package cairn.protocols.ninep;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FsException;
import cairn.engine.fs.LockOwner;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The 9P state of one connection: negotiated msize, fids, and the lock owners it used (released on close).
 * Lock owners are (session, proc_id): {@code session} joins this connection's id and the client_id string,
 * so two mounts of one host (same client_id) never share locks.
 */
final class Session {
    private static final AtomicLong IDS = new AtomicLong();
    private static final String LOCK_PREFIX = "9p/";
    private static final int MAX_LOCK_OWNERS = 4096;

    final FidTable fids = new FidTable();
    private final long id = IDS.incrementAndGet();
    private final Set<LockOwner> lockOwners = ConcurrentHashMap.newKeySet();
    private volatile int msize;
    private volatile boolean versioned;

    Session(int initialMsize) {
        this.msize = initialMsize;
    }

    int msize() {
        return msize;
    }

    boolean versioned() {
        return versioned;
    }

    /** An unknown version was asked for: the session is no longer usable until a good Tversion. */
    void unversioned() {
        this.versioned = false;
    }

    void negotiated(int msize) {
        this.msize = msize;
        this.versioned = true;
    }

    LockOwner lockOwner(String clientId, int procId) {
        var owner = new LockOwner(LOCK_PREFIX + id + "/" + clientId, Integer.toUnsignedLong(procId));
        if (!lockOwners.contains(owner) && lockOwners.size() >= MAX_LOCK_OWNERS) {
            throw new FsException(Errno.ENOLCK, "too many lock owners on one connection");
        }
        lockOwners.add(owner);
        return owner;
    }

    /** The client_id to report for a lock holder: ours without the prefix, another protocol's as is. */
    static String clientIdOf(LockOwner owner) {
        String s = owner.session();
        if (s.startsWith(LOCK_PREFIX)) {
            int slash = s.indexOf('/', LOCK_PREFIX.length());
            if (slash >= 0) return s.substring(slash + 1);
        }
        return s;
    }

    Set<LockOwner> lockOwners() {
        return lockOwners;
    }
}
