package cairn.protocols.nbd.client;

/** The server answered a request or an option with an error. */
public final class NbdErrorException extends RuntimeException {
    private final int error;

    public NbdErrorException(int error, String message) {
        super("NBD error " + error + (message == null || message.isEmpty() ? "" : ": " + message));
        this.error = error;
    }

    /** The NBD error value (for options: the NBD_REP_ERR_* reply type). */
    public int error() {
        return error;
    }
}
