package cairn.server.cli;

/** Exit codes of the cairn command (documented in docs/configuration.md). */
public final class ExitCodes {
    public static final int OK = 0;
    /** Something failed at run time; the message says what. */
    public static final int FAILED = 1;
    /** Bad command line (picocli's own code). */
    public static final int USAGE = 2;
    /** The config file is invalid. */
    public static final int CONFIG = 3;
    /** The password does not open the volume. */
    public static final int WRONG_PASSWORD = 4;
    /** The command's feature is not in this build yet. */
    public static final int NOT_AVAILABLE = 5;
    /** No node is running to answer an admin command. */
    public static final int NOT_RUNNING = 6;

    private ExitCodes() {}
}
