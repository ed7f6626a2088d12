package cairn.protocols.nfs;

import cairn.engine.fs.Errno;

/** Maps filesystem errors to nfsstat3. Most share the errno number; BSD-numbered ones and the rest do not. */
public final class Nfs3Status {
    private Nfs3Status() {}

    public static int of(Errno errno) {
        return switch (errno) {
            case EPERM -> Nfs3.ERR_PERM;
            case ENOENT -> Nfs3.ERR_NOENT;
            case ENXIO -> Nfs3.ERR_NXIO;
            case EACCES -> Nfs3.ERR_ACCES;
            case EEXIST -> Nfs3.ERR_EXIST;
            case EXDEV -> Nfs3.ERR_XDEV;
            case ENODEV -> Nfs3.ERR_NODEV;
            case ENOTDIR -> Nfs3.ERR_NOTDIR;
            case EISDIR -> Nfs3.ERR_ISDIR;
            case EINVAL, ESPIPE, ERANGE, ELOOP -> Nfs3.ERR_INVAL;
            case EFBIG -> Nfs3.ERR_FBIG;
            case ENOSPC -> Nfs3.ERR_NOSPC;
            case EROFS -> Nfs3.ERR_ROFS;
            case EMLINK -> Nfs3.ERR_MLINK;
            case ENAMETOOLONG -> Nfs3.ERR_NAMETOOLONG;
            case ENOTEMPTY -> Nfs3.ERR_NOTEMPTY;
            case EDQUOT -> Nfs3.ERR_DQUOT;
            case ESTALE -> Nfs3.ERR_STALE;
            case EOPNOTSUPP, ENOSYS -> Nfs3.ERR_NOTSUPP;
            // transient: the client waits and retries with a new xid
            case EAGAIN, ETIMEDOUT -> Nfs3.ERR_JUKEBOX;
            default -> Nfs3.ERR_IO;
        };
    }
}
