package cairn.server.http;

import cairn.server.config.HostPort;
import cairn.server.metrics.Metrics;
import cairn.server.node.NodeStatus;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP side of a node: {@code /metrics} (Prometheus), {@code /health/live} (the process answers),
 * {@code /health/ready} (volume open and serving), {@code /health/leader} (this node is the writer) and
 * {@code /status} (the same JSON as {@code cairn status --json}). Read-only: every change goes through the
 * admin socket. Health answers 200 or 503 with a one-line body.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final int BACKLOG = 64;

    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Metrics metrics;
    private final NodeStatus status;
    private final Supplier<String> statusJson;

    private HttpEndpoint(Metrics metrics, NodeStatus status, Supplier<String> statusJson) {
        this.metrics = metrics;
        this.status = status;
        this.statusJson = statusJson;
    }

    /** Binds every address (port 0 = any free port) and starts serving; see {@link #boundAddresses()}. */
    public static HttpEndpoint start(List<HostPort> addresses, Metrics metrics, NodeStatus status, Supplier<String> statusJson)
            throws IOException {
        var endpoint = new HttpEndpoint(metrics, status, statusJson);
        try {
            for (HostPort address : addresses) endpoint.bind(address);
        } catch (IOException | RuntimeException e) {
            endpoint.close();
            throw e;
        }
        return endpoint;
    }

    private void bind(HostPort address) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address.toSocketAddress(), BACKLOG);
        } catch (IOException e) {
            throw new IOException("HTTP: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        servers.add(server);
    }

    public List<InetSocketAddress> boundAddresses() {
        return servers.stream().map(HttpServer::getAddress).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                reply(exchange, 405, "text/plain", "only GET and HEAD\n", path);
                return;
            }
            switch (path) {
                case "/metrics" -> reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape(), path);
                case "/health/live" -> reply(exchange, 200, "text/plain", "live\n", path);
                case "/health/ready" -> health(exchange, path, status.ready(), "ready", "not ready: " + status.phase());
                case "/health/leader" -> health(exchange, path, status.leader(), "leader", "not the leader");
                case "/status" -> reply(exchange, 200, "application/json", statusJson.get() + "\n", path);
                default -> reply(exchange, 404, "text/plain", "no such endpoint; try /metrics, /health/live, /health/ready, /health/leader, /status\n", path);
            }
        }
    }

    private void health(HttpExchange exchange, String path, boolean ok, String yes, String no) throws IOException {
        String detail = status.detail().isEmpty() ? "" : " (" + status.detail() + ")";
        reply(exchange, ok ? 200 : 503, "text/plain", (ok ? yes : no + detail) + "\n", path);
    }

    private void reply(HttpExchange exchange, int code, String contentType, String body, String path) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) exchange.getResponseBody().write(bytes);
        Counter.builder("cairn.http.requests").tag("path", knownPath(path)).tag("status", Integer.toString(code))
                .description("HTTP requests answered by the metrics/health endpoint").register(metrics.registry()).increment();
    }

    /** Keeps the metric's tag values bounded whatever paths clients send. */
    private static String knownPath(String path) {
        return switch (path) {
            case "/metrics", "/health/live", "/health/ready", "/health/leader", "/status" -> path;
            default -> "other";
        };
    }

    @Override
    public void close() {
        for (HttpServer server : servers) server.stop(0);
        servers.clear();
        executor.close();
    }
}
