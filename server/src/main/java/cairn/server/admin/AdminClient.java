package cairn.server.admin;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Sends one admin request to a running node: over its Unix socket, or over TCP (+ TLS) with a bearer token. */
public final class AdminClient {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** Long enough for {@code fsck} of a big volume; a dead node is noticed by TCP itself. */
    private static final int ANSWER_TIMEOUT_MS = 3_600_000;

    private record Connection(InputStream in, OutputStream out, Closeable socket) {}

    private interface Transport {
        Connection open() throws IOException;
    }

    private final Transport transport;
    private final String token;

    private AdminClient(Transport transport, String token) {
        this.transport = transport;
        this.token = token;
    }

    /** A client of the node's local Unix socket. */
    public AdminClient(Path socket) {
        this(() -> openUnix(socket), null);
    }

    /** A client of a TCP admin endpoint presenting {@code token}; TLS when {@code tls} is given (host name verified). */
    public static AdminClient tcp(InetSocketAddress address, String token, SSLContext tls) {
        return new AdminClient(() -> openTcp(address, tls), token);
    }

    /** Thrown when no node answers. */
    public static final class NotRunningException extends IOException {
        NotRunningException(String message) {
            super(message);
        }
    }

    /** Sends {@code command} with {@code args} and returns the response object ({@code ok}, {@code result} or {@code error}). */
    public Map<String, Object> call(String command, Map<String, Object> args) throws IOException {
        var request = new LinkedHashMap<String, Object>();
        request.put("command", command);
        request.put("args", args);
        if (token != null) request.put("token", token);
        Connection connection = transport.open();
        try (Closeable ignored = connection.socket()) {
            connection.out().write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            connection.out().flush();
            var in = new BufferedReader(new InputStreamReader(connection.in(), StandardCharsets.UTF_8));
            String line = AdminServer.readLine(in);
            if (line == null) throw new IOException("the node closed the admin connection without answering");
            try {
                return Json.parseObject(line);
            } catch (IllegalArgumentException e) {
                throw new IOException("unreadable admin answer: " + e.getMessage());
            }
        }
    }

    private static Connection openUnix(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            throw new NotRunningException("no cairn node is running (no admin socket at " + socket + ")");
        }
        var channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new NotRunningException("no cairn node answers on " + socket + " (" + e.getMessage() + ")");
        }
        return new Connection(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
    }

    private static Connection openTcp(InetSocketAddress address, SSLContext tls) throws IOException {
        String where = address.getHostString() + ":" + address.getPort();
        var plain = new Socket();
        try {
            plain.connect(address, CONNECT_TIMEOUT_MS);
        } catch (ConnectException e) {
            plain.close();
            throw new NotRunningException("no cairn node answers on " + where + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        Socket socket = plain;
        try {
            plain.setSoTimeout(ANSWER_TIMEOUT_MS);
            if (tls != null) {
                var secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), true);
                socket = secure;
                var parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                secure.setSSLParameters(parameters);
                secure.startHandshake();
            }
            return new Connection(socket.getInputStream(), socket.getOutputStream(), socket);
        } catch (IOException e) {
            socket.close();
            throw new IOException((tls != null ? "TLS with " : "connection to ") + where + " failed: " + e.getMessage(), e);
        }
    }

    /** True when a node accepts connections on {@code socket}. */
    static boolean answers(Path socket) {
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
