package cairn.server;

import cairn.engine.crypto.WrongPasswordException;
import cairn.engine.store.StoreException;
import cairn.server.cli.CairnCommand;
import cairn.server.cli.CliException;
import cairn.server.cli.ExitCodes;
import cairn.server.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code cairn} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (see {@link ExitCodes}). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)} with the command's output and error streams given (tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        var cli = new CommandLine(new CairnCommand()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            var errors = commandLine.getErr();
            switch (e) {
                case CliException c -> {
                    errors.println("cairn: " + c.getMessage());
                    return c.exitCode();
                }
                case ConfigException c -> {
                    errors.println("cairn: config: " + c.getMessage());
                    return ExitCodes.CONFIG;
                }
                case WrongPasswordException c -> {
                    errors.println("cairn: wrong password: " + c.getMessage() + " (nothing was changed)");
                    return ExitCodes.WRONG_PASSWORD;
                }
                case StoreException c -> {
                    errors.println("cairn: object store: " + c.getMessage());
                    return ExitCodes.FAILED;
                }
                default -> throw e;
            }
        });
        return cli.execute(args);
    }
}
