package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsException;
import cairn.engine.fs.LockOwner;
import cairn.engine.fs.LockRequest;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Rmessage.Rgetlock;
import cairn.protocols.ninep.wire.Rmessage.Rlock;
import cairn.protocols.ninep.wire.Tmessage.Tgetlock;
import cairn.protocols.ninep.wire.Tmessage.Tlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advisory byte-range locks (POSIX fcntl semantics) through {@link FileSystem#lock}. The server never blocks:
 * a conflicting Tlock is answered BLOCKED and the Linux client retries a blocking lock itself.
 */
final class LockOps {
    private static final Logger log = LoggerFactory.getLogger(LockOps.class);
    private final FileSystem fs;

    LockOps(FileSystem fs) {
        this.fs = fs;
    }

    Rmessage lock(Session s, Tlock m) {
        Fid f = s.fids.get(m.fid());
        LockOwner owner = s.lockOwner(m.clientId(), m.procId());
        var request = new LockRequest(owner, type(m.type()), m.start(), checkedLength(m.start(), m.length()));
        boolean granted = fs.lock(f.ino(), request);
        return new Rlock(m.tag(), granted ? LOCK_SUCCESS : LOCK_BLOCKED);
    }

    Rmessage getlock(Session s, Tgetlock m) {
        Fid f = s.fids.get(m.fid());
        LockRequest.Type type = type(m.type());
        if (type == LockRequest.Type.UNLOCK) throw new FsException(Errno.EINVAL, "getlock of F_UNLCK");
        LockOwner owner = s.lockOwner(m.clientId(), m.procId());
        LockRequest held = fs.testLock(f.ino(),
                new LockRequest(owner, type, m.start(), checkedLength(m.start(), m.length())));
        if (held == null) {
            return new Rgetlock(m.tag(), LOCK_TYPE_UNLCK, m.start(), m.length(), m.procId(), m.clientId());
        }
        int heldType = held.type() == LockRequest.Type.READ ? LOCK_TYPE_RDLCK : LOCK_TYPE_WRLCK;
        return new Rgetlock(m.tag(), heldType, held.start(), held.length(), (int) held.owner().owner(),
                Session.clientIdOf(held.owner()));
    }

    void releaseAll(Session s) {
        for (LockOwner owner : s.lockOwners()) {
            try {
                fs.releaseLocks(owner);
            } catch (RuntimeException e) {
                log.debug("releasing locks of {} failed", owner, e);
            }
        }
        s.lockOwners().clear();
    }

    private static LockRequest.Type type(int t) {
        return switch (t) {
            case LOCK_TYPE_RDLCK -> LockRequest.Type.READ;
            case LOCK_TYPE_WRLCK -> LockRequest.Type.WRITE;
            case LOCK_TYPE_UNLCK -> LockRequest.Type.UNLOCK;
            default -> throw new FsException(Errno.EINVAL, "lock type " + t);
        };
    }

    private static long checkedLength(long start, long length) {
        if (start < 0 || length < 0) throw new FsException(Errno.EINVAL, "lock range beyond 2^63");
        return length;
    }
}
