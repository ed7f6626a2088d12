package cairn.protocols.ninep.client;

import cairn.engine.fs.Errno;

/** The server answered Rlerror: {@code errno} is the Linux error number it sent. */
public class NinepException extends RuntimeException {
    private final int errno;

    public NinepException(int errno, String request) {
        super(request + " failed: " + name(errno) + " (" + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** The matching {@link Errno}, or null for a number the enum does not list. */
    public Errno error() {
        for (Errno e : Errno.values()) if (e.code == errno) return e;
        return null;
    }

    private static String name(int errno) {
        for (Errno e : Errno.values()) if (e.code == errno) return e.name();
        return "errno";
    }
}
