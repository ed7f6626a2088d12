package cairn.server.admin;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint: one JSON request line per connection, one JSON answer line. Two kinds:
 * <ul>
 *   <li>the local Unix socket (mode 0600 in a 0700 directory), served only to this process's user or root
 *       (peer credentials checked);</li>
 *   <li>optionally TCP, plain (loopback only, enforced by the config) or TLS, where every request must carry
 *       the bearer token ({@code "token":"..."}), compared in constant time.</li>
 * </ul>
 * Connections are capped; a TCP client has {@link #READ_TIMEOUT_MS} to complete the TLS handshake and send
 * its line, so slow or malformed clients are closed without holding the endpoint.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final int LINE_BYTES_MAX = 64 << 10;
    static final int READ_TIMEOUT_MS = 10_000;
    private static final int CONNECTIONS_MAX = 16;
    private static final String DENIED = "{\"ok\":false,\"code\":\"UNAUTHORIZED\",\"error\":\"permission denied\"}";

    /** One accepted connection: its streams and whether it needs the token (TCP) or is a trusted local peer. */
    private record Connection(InputStream in, OutputStream out, Closeable socket, String peer, boolean trusted) {}

    /** Where connections come from. */
    private interface Endpoint extends Closeable {
        /** The next connection; null when one failed before it could be served (the endpoint goes on). */
        Connection accept() throws IOException;
    }

    private final Endpoint endpoint;
    private final Path socket;
    private final InetSocketAddress tcpAddress;
    private final byte[] token;
    private final AdminRouter router;
    private final Semaphore connections = new Semaphore(CONNECTIONS_MAX);
    private final Thread acceptor;
    private volatile boolean closed;

    private AdminServer(Endpoint endpoint, Path socket, InetSocketAddress tcpAddress, byte[] token, AdminRouter router) {
        this.endpoint = endpoint;
        this.socket = socket;
        this.tcpAddress = tcpAddress;
        this.token = token;
        this.router = router;
        this.acceptor = Thread.ofVirtual().name("cairn-admin-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds the Unix socket {@code socket}. A stale socket file is replaced; one that still answers means
     * another node runs on this directory, which is an error.
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
        return started(new AdminServer(new UnixEndpoint(channel), socket, null, null, router));
    }

    /**
     * Binds a TCP admin endpoint that requires {@code token} in every request; TLS when {@code tls} is given.
     */
    public static AdminServer startTcp(InetSocketAddress address, byte[] token, SSLContext tls, AdminRouter router) throws IOException {
        if (token.length == 0) throw new IllegalArgumentException("empty admin token");
        ServerSocketFactory factory = tls == null ? ServerSocketFactory.getDefault() : tls.getServerSocketFactory();
        ServerSocket server = factory.createServerSocket();
        try {
            server.bind(address, CONNECTIONS_MAX);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen for admin on " + address + ": " + e.getMessage(), e);
        }
        var bound = new InetSocketAddress(address.getAddress(), server.getLocalPort());
        return started(new AdminServer(new TcpEndpoint(server), null, bound, token.clone(), router));
    }

    private static AdminServer started(AdminServer server) {
        server.acceptor.start();
        return server;
    }

    /** The Unix socket; null for a TCP endpoint. */
    public Path socket() {
        return socket;
    }

    /** The TCP address actually bound (port 0 resolved); null for the Unix socket. */
    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    private void acceptLoop() {
        while (!closed) {
            Connection client;
            try {
                client = endpoint.accept();
            } catch (IOException e) {
                if (!closed) log.warn("admin endpoint accept failed; admin endpoint stops", e);
                return;
            }
            if (client == null) continue; // that connection failed before it was served
            if (!connections.tryAcquire()) {
                closeQuietly(client.socket());
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

    private void serve(Connection client) {
        try (Closeable ignored = client.socket()) {
            OutputStream out = client.out();
            if (token == null && !client.trusted()) {
                respond(out, DENIED);
                return;
            }
            var in = new BufferedReader(new InputStreamReader(client.in(), StandardCharsets.UTF_8));
            String line = readLine(in);
            if (line == null) return;
            Map<String, Object> request;
            try {
                request = Json.parseObject(line);
            } catch (IllegalArgumentException e) {
                respond(out, Json.write(error(AdminException.Code.BAD_REQUEST, e.getMessage())));
                return;
            }
            Object presented = request.remove("token");
            if (token != null && !tokenMatches(presented)) {
                log.warn("admin request from {} refused: {} token", client.peer(), presented == null ? "no" : "wrong");
                respond(out, DENIED);
                return;
            }
            respond(out, Json.write(router.dispatch(request)));
        } catch (IOException e) {
            log.debug("admin connection from {} ended: {}", client.peer(), e.toString());
        }
    }

    private boolean tokenMatches(Object presented) {
        if (!(presented instanceof String text)) return false;
        return MessageDigest.isEqual(token, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> error(AdminException.Code code, String message) {
        var map = new LinkedHashMap<String, Object>();
        map.put("ok", false);
        map.put("code", code.name());
        map.put("error", message);
        return map;
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

    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do: the peer is gone either way
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(endpoint);
        try {
            acceptor.join(5_000);
            if (socket != null) Files.deleteIfExists(socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("removing admin socket: {}", e.toString());
        }
    }

    private record UnixEndpoint(ServerSocketChannel channel) implements Endpoint {
        @Override
        public Connection accept() throws IOException {
            SocketChannel client = channel.accept();
            return new Connection(Channels.newInputStream(client), Channels.newOutputStream(client), client, "local", trusted(client));
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

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** TCP (plain or TLS): the TLS handshake runs lazily on the connection's own thread, under the read timeout. */
    private record TcpEndpoint(ServerSocket server) implements Endpoint {
        @Override
        public Connection accept() throws IOException {
            Socket client = server.accept();
            try {
                client.setSoTimeout(READ_TIMEOUT_MS);
                if (client instanceof SSLSocket tls) tls.setUseClientMode(false);
                return new Connection(client.getInputStream(), client.getOutputStream(), client,
                        client.getRemoteSocketAddress().toString(), false);
            } catch (IOException e) {
                closeQuietly(client);
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
