package cairn.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "fsck", description = "Check a stopped node's volume in the store (read-only).")
final class FsckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        config.loadRequired("fsck");
        throw CliException.notAvailable("fsck (the volume checker)");
    }
}
