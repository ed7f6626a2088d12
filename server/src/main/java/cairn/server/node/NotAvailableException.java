package cairn.server.node;

/** A configured feature that this build cannot provide yet; the node refuses to start rather than pretend. */
public final class NotAvailableException extends RuntimeException {
    public NotAvailableException(String what) {
        super(what + " is not available yet in this build of Cairn");
    }
}
