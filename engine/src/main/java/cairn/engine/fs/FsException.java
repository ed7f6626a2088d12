package cairn.engine.fs;

/** A filesystem operation failed with a POSIX error. */
public class FsException extends RuntimeException {
    private final Errno errno;

    public FsException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public FsException(Errno errno, String message, Throwable cause) {
        super(errno + ": " + message, cause);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
