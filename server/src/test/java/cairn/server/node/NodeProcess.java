package cairn.server.node;

import cairn.engine.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** A {@code cairn run} child JVM for tests: started with this test's classpath, stopped with SIGTERM. */
final class NodeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int httpPort;

    private NodeProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    static NodeProcess start(Path config, Path log, int httpPort, Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "cairn.server.Main", "run", "-c", config.toString()));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new NodeProcess(builder.start(), log, httpPort);
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** GET on the node's HTTP endpoint: status code and body; -1 when nothing answers. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(5)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until {@code path} answers {@code status}; fails with the node's log after the deadline. */
    void awaitStatus(String path, int status, Duration deadline) {
        var last = new AtomicReference<>("no answer");
        boolean answered = Await.holdsWithin(deadline, () -> {
            if (!process.isAlive()) throw new AssertionError("node exited with " + process.exitValue() + ":\n" + log());
            try {
                var response = get(path);
                last.set(response.statusCode() + " " + response.body());
                return response.statusCode() == status;
            } catch (IOException e) {
                last.set(e.toString());
                return false;
            }
        });
        if (!answered) throw new AssertionError(path + " did not answer " + status + " within " + deadline + " (last: " + last + "):\n" + log());
    }

    /** The first of {@code nodes} whose process answers 200 on /health/leader; fails with every node's log. */
    static <N> N awaitLeader(List<N> nodes, Function<N, NodeProcess> process, Duration deadline) {
        var leader = new AtomicReference<N>();
        boolean found = Await.holdsWithin(deadline, () -> {
            nodes.stream().filter(n -> leads(process.apply(n))).findFirst().ifPresent(leader::set);
            return leader.get() != null;
        });
        if (found) return leader.get();
        StringBuilder logs = new StringBuilder();
        nodes.forEach(n -> logs.append("--- ").append(n).append('\n').append(process.apply(n).log()));
        throw new AssertionError("no leader within " + deadline + "\n" + logs);
    }

    private static boolean leads(NodeProcess p) {
        try {
            return p.get("/health/leader").statusCode() == 200;
        } catch (IOException e) {
            return false; // not up yet, or just killed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int stop(Duration deadline) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("node did not stop within " + deadline + ":\n" + log());
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
