package cairn.server.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Semaphore;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local admin endpoint: a Unix domain socket (mode 0600 in a 0700 directory) that accepts one JSON
 * request line per connection and answers one JSON line. Authentication is the filesystem permission plus a
 * peer-credential check: only this process's user (or root) is served.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final int LINE_BYTES_MAX = 64 << 10;
    private static final int CONNECTIONS_MAX = 16;

    private final Path socket;
    private final ServerSocketChannel channel;
    private final AdminRouter router;
    private final Semaphore connections = new Semaphore(CONNECTIONS_MAX);
    private final Thread acceptor;
    private volatile boolean closed;

    private AdminServer(Path socket, ServerSocketChannel channel, AdminRouter router) {
        this.socket = socket;
        this.channel = channel;
        this.router = router;
        this.acceptor = Thread.ofVirtual().name("cairn-admin-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code socket}. A stale socket file is replaced; one that still answers means another node runs on
     * this directory, which is an error.
     */
    public static AdminServer start(Path socket, AdminRouter router) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (Files.exists(socket)) {
            if (AdminClient.answers(socket)) {
                throw new IOException("another cairn node is running here (its admin socket " + socket + " answers)");
            }
            Files.delete(socket);
        }
        var channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        var server = new AdminServer(socket, channel, router);
        server.acceptor.start();
        return server;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (IOException e) {
                if (!closed) log.warn("admin socket accept failed; admin endpoint stops", e);
                return;
            }
            if (!connections.tryAcquire()) {
                closeQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("cairn-admin").start(() -> {
                try {
                    serve(client);
                } finally {
                    connections.release();
                }
            });
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            OutputStream out = Channels.newOutputStream(client);
            if (!trusted(client)) {
                respond(out, "{\"ok\":false,\"code\":\"FAILED\",\"error\":\"permission denied\"}");
                return;
            }
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            String line = readLine(in);
            if (line == null) return;
            java.util.Map<String, Object> response;
            try {
                response = router.dispatch(Json.parseObject(line));
            } catch (IllegalArgumentException e) {
                response = java.util.Map.of("ok", false, "code", AdminException.Code.BAD_REQUEST.name(), "error", e.getMessage());
            }
            respond(out, Json.write(response));
        } catch (IOException e) {
            log.debug("admin connection ended: {}", e.toString());
        }
    }

    /** Reads one line of at most {@link #LINE_BYTES_MAX} chars; null on EOF before any byte. */
    static String readLine(BufferedReader in) throws IOException {
        var line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) return line.isEmpty() ? null : line.toString();
            if (c == '\n') return line.toString();
            if (line.length() >= LINE_BYTES_MAX) throw new IOException("admin line longer than " + LINE_BYTES_MAX);
            line.append((char) c);
        }
    }

    private static void respond(OutputStream out, String json) throws IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static boolean trusted(SocketChannel client) {
        try {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String user = peer.user().getName();
            return user.equals(System.getProperty("user.name")) || user.equals("root");
        } catch (IOException | UnsupportedOperationException e) {
            // No peer credentials on this platform: the 0600 socket in a 0700 directory is the guard.
            return true;
        }
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing to do: the peer is gone either way
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing admin socket: {}", e.toString());
        }
        try {
            acceptor.join(5_000);
            Files.deleteIfExists(socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("removing admin socket: {}", e.toString());
        }
    }
}
