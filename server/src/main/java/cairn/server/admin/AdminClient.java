package cairn.server.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sends one admin request to a running node over its Unix socket. */
public final class AdminClient {
    private final Path socket;

    public AdminClient(Path socket) {
        this.socket = socket;
    }

    /** Thrown when no node answers on the socket. */
    public static final class NotRunningException extends IOException {
        NotRunningException(String message) {
            super(message);
        }
    }

    /** Sends {@code command} with {@code args} and returns the response object ({@code ok}, {@code result} or {@code error}). */
    public Map<String, Object> call(String command, Map<String, Object> args) throws IOException {
        if (!Files.exists(socket)) {
            throw new NotRunningException("no cairn node is running (no admin socket at " + socket + ")");
        }
        var request = new LinkedHashMap<String, Object>();
        request.put("command", command);
        request.put("args", args);
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new NotRunningException("no cairn node answers on " + socket + " (" + e.getMessage() + ")");
            }
            var out = Channels.newOutputStream(channel);
            out.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            String line = AdminServer.readLine(in);
            if (line == null) throw new IOException("the node closed the admin connection without answering");
            try {
                return Json.parseObject(line);
            } catch (IllegalArgumentException e) {
                throw new IOException("unreadable admin answer: " + e.getMessage());
            }
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
