package cairn.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "change-password", description = {
        "Re-wrap the volume key with a new password read from stdin (one line).",
        "The current password comes from the config; update the config afterwards."})
final class ChangePasswordCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        config.loadRequired("change-password");
        throw CliException.notAvailable("change-password (the key manager)");
    }
}
