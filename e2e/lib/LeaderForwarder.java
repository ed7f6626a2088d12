import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The e2e failover suite's stable address: a TCP forwarder on 127.0.0.1:LISTEN that sends every new connection to
 * the node whose {@code /health/leader} answers 200 (what a keepalived track script does with a VIP), and closes
 * the client's side as soon as the leader's side ends, so the client sees the leader's death at once.
 *
 * <p>Usage: {@code java LeaderForwarder.java LISTEN_PORT ID=HTTP_PORT:TARGET_PORT ...} (single-file launch).
 */
public final class LeaderForwarder {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    record Node(String id, int httpPort, int targetPort) {
        static Node parse(String text) {
            String[] idRest = text.split("=", 2);
            String[] ports = idRest[1].split(":", 2);
            return new Node(idRest[0], Integer.parseInt(ports[0]), Integer.parseInt(ports[1]));
        }

        boolean leads() {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/leader"))
                    .timeout(Duration.ofSeconds(2)).build();
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    public static void main(String[] args) throws IOException {
        int listenPort = Integer.parseInt(args[0]);
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) nodes.add(Node.parse(args[i]));
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
            log("listening on 127.0.0.1:" + listenPort + " for " + nodes);
            while (true) {
                Socket client = server.accept();
                int n = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> forward(n, client, nodes));
            }
        }
    }

    private static void forward(int n, Socket client, List<Node> nodes) {
        try (client) {
            Node leader = awaitLeader(nodes);
            if (leader == null) {
                log("connection " + n + ": no leader within " + LEADER_WAIT.toSeconds() + " s, closing");
                return;
            }
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), leader.targetPort())) {
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                log("connection " + n + " -> " + leader.id());
                Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
                pump(client, upstream);
                back.join();
                log("connection " + n + " to " + leader.id() + " ended");
            }
        } catch (IOException e) {
            log("connection " + n + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Node awaitLeader(List<Node> nodes) throws InterruptedException {
        Instant end = Instant.now().plus(LEADER_WAIT);
        while (Instant.now().isBefore(end)) {
            for (Node node : nodes) {
                if (node.leads()) return node;
            }
            Thread.sleep(100); // poll interval of the leader probe, bounded by LEADER_WAIT
        }
        return null;
    }

    /** Copies until either side ends, then shuts both sockets so the other direction ends too. */
    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int r; (r = in.read(buffer)) >= 0; ) out.write(buffer, 0, r);
        } catch (IOException ignored) {
            // a reset or a closed socket ends the connection like EOF does
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " forwarder: " + message);
    }
}
