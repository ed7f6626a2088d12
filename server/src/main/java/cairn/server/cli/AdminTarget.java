package cairn.server.cli;

import cairn.server.admin.AdminClient;
import cairn.server.admin.AdminTls;
import cairn.server.admin.TokenFile;
import cairn.server.config.HostPort;
import cairn.server.node.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options and call path shared by the commands that talk to a running node: its local admin socket (found
 * from {@code -c} or given with {@code --socket}), or a TCP admin endpoint ({@code --admin HOST:PORT
 * --token-file F}, with {@code --tls} / {@code --tls-ca PEM} when the endpoint speaks TLS).
 */
public final class AdminTarget {
    @Mixin
    ConfigOption config;

    @Option(names = "--socket", paramLabel = "PATH", description = "Admin socket of the node (default: from the config's cache dir)")
    Path socket;

    @Option(names = "--admin", paramLabel = "HOST:PORT", description = "TCP admin endpoint of the node ([admin] address) instead of the local socket")
    String admin;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the admin token (mode 0600); required with --admin")
    Path tokenFile;

    @Option(names = "--tls", description = "Speak TLS to --admin, trusting the JVM's default CAs")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = "Speak TLS to --admin, trusting the certificate(s) in this PEM file")
    Path tlsCa;

    /** True when the user named a running node explicitly (socket or TCP endpoint). */
    boolean explicit() {
        return socket != null || admin != null;
    }

    Path socketPath() {
        return socket != null ? socket : Node.adminSocket(config.loadForLocating());
    }

    private AdminClient client() {
        if (admin == null) {
            if (tokenFile != null || tls || tlsCa != null) throw new CliException(ExitCodes.USAGE, "--token-file, --tls and --tls-ca go with --admin HOST:PORT");
            return new AdminClient(socketPath());
        }
        if (socket != null) throw new CliException(ExitCodes.USAGE, "use either --socket or --admin, not both");
        if (tokenFile == null) throw new CliException(ExitCodes.USAGE, "--admin needs --token-file FILE (the node's admin token)");
        HostPort address;
        try {
            address = HostPort.parse(admin);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--admin: " + e.getMessage());
        }
        try {
            String token = TokenFile.read(tokenFile);
            SSLContext context = tls || tlsCa != null ? AdminTls.client(tlsCa) : null;
            return AdminClient.tcp(address.toSocketAddress(), token, context);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage());
        }
    }

    /** Calls the node and returns {@code result}; a failure becomes a {@link CliException} with the right exit code. */
    Object call(String command, Map<String, Object> args) {
        AdminClient client = client();
        Map<String, Object> response;
        try {
            response = client.call(command, args);
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
