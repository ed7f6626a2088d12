package cairn.server.cli;

import cairn.engine.crypto.KdfParams;
import cairn.engine.crypto.KeyManager;
import cairn.engine.crypto.Secret;
import cairn.server.node.Secrets;
import cairn.server.node.VolumeStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "change-password", description = {
        "Re-wrap the volume key with a new password read from stdin (one line; asked twice on a terminal).",
        "The current password (or key file) comes from the config; update the config afterwards.",
        "Safe while the node runs: the data key itself does not change."})
final class ChangePasswordCommand implements Callable<Integer> {
    private static final int PASSWORD_CHARS_MAX = 1024;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws IOException {
        var cfg = config.loadRequired("change-password");
        Secret current = Secrets.resolve(cfg.storage().key());
        Secret next = Secret.password(readNewPassword());
        try (var store = VolumeStores.open(cfg)) {
            var key = KeyManager.changePassword(store, current, next, KdfParams.DEFAULT);
            spec.commandLine().getOut().println("password changed (key version " + key.version() + "); now set storage.password in "
                    + config.file + " to the new one");
        }
        return ExitCodes.OK;
    }

    private static String readNewPassword() throws IOException {
        var console = System.console();
        String password;
        if (console != null) {
            char[] first = console.readPassword("new password: ");
            char[] second = console.readPassword("again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new CliException(ExitCodes.FAILED, "the two passwords differ; nothing was changed");
            }
            password = new String(first);
        } else {
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            password = in.readLine();
        }
        if (password == null || password.isEmpty()) throw new CliException(ExitCodes.USAGE, "no new password on stdin");
        if (password.length() > PASSWORD_CHARS_MAX) throw new CliException(ExitCodes.USAGE, "the new password is longer than 1024 characters");
        return password;
    }
}
