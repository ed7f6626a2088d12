package cairn.server.cli;

import cairn.server.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", description = "Print the Cairn and Java versions.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("cairn " + Version.get());
        spec.commandLine().getOut().println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        return ExitCodes.OK;
    }
}
