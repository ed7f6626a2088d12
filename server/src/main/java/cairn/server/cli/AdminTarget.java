package cairn.server.cli;

import cairn.server.admin.AdminClient;
import cairn.server.node.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options and call path shared by the commands that talk to a running node over its admin socket. */
public final class AdminTarget {
    @Mixin
    ConfigOption config;

    @Option(names = "--socket", paramLabel = "PATH", description = "Admin socket of the node (default: from the config's cache dir)")
    Path socket;

    Path socketPath() {
        return socket != null ? socket : Node.adminSocket(config.loadForLocating());
    }

    /** Calls the node and returns {@code result}; a failure becomes a {@link CliException} with the right exit code. */
    Object call(String command, Map<String, Object> args) {
        Map<String, Object> response;
        try {
            response = new AdminClient(socketPath()).call(command, args);
        } catch (AdminClient.NotRunningException e) {
            throw new CliException(ExitCodes.NOT_RUNNING, e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "admin call failed: " + e.getMessage());
        }
        if (Boolean.TRUE.equals(response.get("ok"))) return response.get("result");
        String code = String.valueOf(response.get("code"));
        int exit = code.equals("NOT_AVAILABLE") ? ExitCodes.NOT_AVAILABLE : ExitCodes.FAILED;
        throw new CliException(exit, String.valueOf(response.get("error")));
    }
}
