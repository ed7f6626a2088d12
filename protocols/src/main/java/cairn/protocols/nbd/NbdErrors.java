package cairn.protocols.nbd;

import cairn.engine.fs.FsException;

/** Maps filesystem failures to the few error values NBD defines. */
public final class NbdErrors {
    private NbdErrors() {}

    public static int of(Throwable failure) {
        if (!(failure instanceof FsException fs)) return NbdProtocol.EIO;
        return switch (fs.errno()) {
            case EPERM, EACCES, EROFS -> NbdProtocol.EPERM;
            case ENOSPC, EDQUOT, EFBIG -> NbdProtocol.ENOSPC;
            case EINVAL -> NbdProtocol.EINVAL;
            case ENOMEM -> NbdProtocol.ENOMEM;
            case EOPNOTSUPP, ENOSYS -> NbdProtocol.ENOTSUP;
            default -> NbdProtocol.EIO;
        };
    }
}
