package cairn.server.admin;

/** An admin request that failed; {@link #code()} is stable and maps to the CLI's exit code. */
public final class AdminException extends RuntimeException {

    /** Stable error codes of the admin protocol. */
    public enum Code {
        /** The command exists but the feature behind it is not in this build yet. */
        NOT_AVAILABLE,
        UNKNOWN_COMMAND,
        BAD_REQUEST,
        NOT_FOUND,
        ALREADY_EXISTS,
        /** The node is not serving (starting, stopping, read-only or not the leader). */
        UNAVAILABLE,
        /** The caller is not allowed: wrong or missing token (TCP), or another user (Unix socket). */
        UNAUTHORIZED,
        FAILED
    }

    private final Code code;

    public AdminException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
