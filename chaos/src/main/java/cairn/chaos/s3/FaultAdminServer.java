package cairn.chaos.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The proxy's control API (loopback or a test namespace only):
 * {@code GET /faults}, {@code POST /faults} (body: a {@link FaultRule#parse} spec), {@code DELETE /faults},
 * {@code POST /pause}, {@code POST /resume}, {@code GET /stats}.
 */
public final class FaultAdminServer implements AutoCloseable {

    private static final int SPEC_BYTES_MAX = 4096;
    private final HttpServer http;

    public FaultAdminServer(InetSocketAddress listen, FaultPlan plan, S3FaultProxy proxy) throws IOException {
        http = HttpServer.create(listen, 16);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/faults", ex -> {
            switch (ex.getRequestMethod()) {
                case "GET" -> send(ex, 200, plan.rules().stream().map(FaultRule::describe).collect(Collectors.joining("\n")));
                case "DELETE" -> {
                    plan.clear();
                    send(ex, 200, "cleared");
                }
                case "POST" -> {
                    byte[] body = ex.getRequestBody().readNBytes(SPEC_BYTES_MAX + 1);
                    if (body.length > SPEC_BYTES_MAX) {
                        send(ex, 413, "fault spec too long");
                        return;
                    }
                    try {
                        FaultRule rule = FaultRule.parse(new String(body, StandardCharsets.UTF_8));
                        plan.add(rule);
                        send(ex, 200, rule.describe());
                    } catch (IllegalArgumentException e) {
                        send(ex, 400, e.getMessage());
                    }
                }
                default -> send(ex, 405, "use GET, POST or DELETE");
            }
        });
        http.createContext("/pause", ex -> {
            plan.pause();
            send(ex, 200, "paused");
        });
        http.createContext("/resume", ex -> {
            plan.resume();
            send(ex, 200, "resumed");
        });
        http.createContext("/stats", ex -> send(ex, 200, "forwarded=" + proxy.forwardedCount() + " refused=" + proxy.refusedCount()
                + " injected=" + proxy.injectedCount() + " paused=" + plan.paused()));
    }

    public InetSocketAddress start() {
        http.start();
        return http.getAddress();
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (var out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
