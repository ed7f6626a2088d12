package cairn.engine.fs.perm;

import cairn.engine.fs.Access;
import cairn.engine.fs.Caller;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsException;
import cairn.engine.fs.schema.InodeRecord;

/**
 * POSIX permission checks. Owner bits if the caller owns the inode, else group bits if it is in the inode's
 * group, else other bits. Root may read and write anything and may execute a file only if some x bit is set.
 */
public final class Permissions {
    public static final int R = 4, W = 2, X = 1;
    public static final int S_ISUID = 04000, S_ISGID = 02000, S_ISVTX = 01000;

    private Permissions() {}

    public static boolean allowed(Caller c, InodeRecord n, int want) {
        if (c.isRoot()) {
            if ((want & X) == 0 || n.isDir()) return true;
            return (n.mode & 0111) != 0;
        }
        int bits;
        if (c.uid() == n.uid) bits = (n.mode >> 6) & 7;
        else if (c.inGroup(n.gid)) bits = (n.mode >> 3) & 7;
        else bits = n.mode & 7;
        return (bits & want) == want;
    }

    public static void require(Caller c, InodeRecord n, int want) {
        if (!allowed(c, n, want))
            throw new FsException(Errno.EACCES, "uid " + c.uid() + " lacks " + rwx(want) + " on inode " + n.ino);
    }

    public static boolean isOwnerOrRoot(Caller c, InodeRecord n) {
        return c.isRoot() || c.uid() == n.uid;
    }

    /**
     * May the caller remove or rename {@code victim} out of {@code dir}? Needs w+x on the directory; in a sticky
     * directory only root, the directory's owner or the victim's owner may.
     */
    public static void requireDelete(Caller c, InodeRecord dir, InodeRecord victim) {
        require(c, dir, W | X);
        if ((dir.mode & S_ISVTX) != 0 && !c.isRoot() && c.uid() != dir.uid && c.uid() != victim.uid)
            throw new FsException(Errno.EPERM, "sticky directory " + dir.ino + ": uid " + c.uid() + " may not remove " + victim.ino);
    }

    /** The {@link Access} bits of {@code mask} the caller holds on the inode. */
    public static int access(Caller c, InodeRecord n, int mask) {
        int granted = 0;
        if ((mask & Access.READ) != 0 && allowed(c, n, R)) granted |= Access.READ;
        if ((mask & Access.LOOKUP) != 0 && n.isDir() && allowed(c, n, X)) granted |= Access.LOOKUP;
        if ((mask & Access.MODIFY) != 0 && allowed(c, n, W)) granted |= Access.MODIFY;
        if ((mask & Access.EXTEND) != 0 && allowed(c, n, W)) granted |= Access.EXTEND;
        if ((mask & Access.DELETE) != 0 && n.isDir() && allowed(c, n, W | X)) granted |= Access.DELETE;
        if ((mask & Access.EXECUTE) != 0 && !n.isDir() && allowed(c, n, X)) granted |= Access.EXECUTE;
        return granted;
    }

    /** The mode after a write or truncate by {@code c}: non-root writers drop suid, and sgid if group-executable. */
    public static int afterWrite(Caller c, InodeRecord n) {
        if (c.isRoot() || n.type != FileType.REGULAR) return n.mode;
        return killPrivileges(n.mode);
    }

    /** suid always; sgid only when group-executable (otherwise it marks mandatory locking, not privilege). */
    public static int killPrivileges(int mode) {
        int m = mode & ~S_ISUID;
        if ((mode & 0010) != 0) m &= ~S_ISGID;
        return m;
    }

    private static String rwx(int want) {
        return ((want & R) != 0 ? "r" : "") + ((want & W) != 0 ? "w" : "") + ((want & X) != 0 ? "x" : "");
    }
}
