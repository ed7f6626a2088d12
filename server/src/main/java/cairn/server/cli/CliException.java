package cairn.server.cli;

/** Ends a command with a message on stderr and an exit code from {@link ExitCodes}. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException notAvailable(String what) {
        return new CliException(ExitCodes.NOT_AVAILABLE, what + " is not available yet in this build of Cairn");
    }
}
