package cairn.server.cli;

import cairn.server.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the Cairn and Java versions.")
final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("cairn " + Version.get());
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        return ExitCodes.OK;
    }
}
