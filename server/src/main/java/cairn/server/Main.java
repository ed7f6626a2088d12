package cairn.server;

import cairn.server.cli.CairnCommand;
import cairn.server.cli.CliException;
import cairn.server.cli.ExitCodes;
import cairn.server.config.ConfigException;
import picocli.CommandLine;

/** Entry point of the {@code cairn} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (see {@link ExitCodes}). */
    public static int execute(String... args) {
        var cli = new CommandLine(new CairnCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            var err = commandLine.getErr();
            switch (e) {
                case CliException c -> {
                    err.println("cairn: " + c.getMessage());
                    return c.exitCode();
                }
                case ConfigException c -> {
                    err.println("cairn: config: " + c.getMessage());
                    return ExitCodes.CONFIG;
                }
                default -> throw e;
            }
        });
        return cli.execute(args);
    }
}
