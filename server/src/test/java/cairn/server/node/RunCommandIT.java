package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.server.Main;
import cairn.server.admin.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts {@code cairn run} as a child process on a temp dir with random ports and stops it with SIGTERM. */
class RunCommandIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void nodeServesHealthAndMetricsAndStopsCleanlyOnSigterm() throws Exception {
        int httpPort = NodeProcess.freePort();
        Path config = dir.resolve("cairn.toml");
        Files.writeString(config, """
                [storage]
                url = "file://store"
                password = "${CAIRN_TEST_PASSWORD}"
                [cache]
                dir = "cache"
                [servers.http]
                addresses = ["127.0.0.1:%d"]
                """.formatted(httpPort));
        try (var node = NodeProcess.start(config, dir.resolve("node.log"), httpPort, Map.of("CAIRN_TEST_PASSWORD", "pw"))) {
            node.awaitStatus("/health/live", 200, DEADLINE);

            var metrics = node.get("/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("cairn_build_info{"), "cairn metrics exported");
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM binders registered");
            assertTrue(metrics.body().contains("cairn_node_ready 0.0"), "not ready before the volume is open");

            var ready = node.get("/health/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains(VolumeStage.UNAVAILABLE), ready.body());
            assertEquals(503, node.get("/health/leader").statusCode());
            assertEquals(404, node.get("/nope").statusCode());

            var out = new StringWriter();
            int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                    "status", "--json", "-c", config.toString());
            assertEquals(0, exit, node.log());
            var status = Json.parseObject(out.toString().strip());
            assertEquals("STARTING", status.get("phase"));
            assertEquals("file://" + dir.resolve("store"), status.get("volume"));
            assertEquals(Json.parseObject(node.get("/status").body().strip()).get("started_at"), status.get("started_at"));

            int code = node.stop(DEADLINE);
            assertEquals(143, code, "exit code after SIGTERM:\n" + node.log());
            assertTrue(node.log().contains("cairn stopped"), node.log());
            assertTrue(Files.notExists(dir.resolve("cache/admin/admin.sock")), "admin socket removed");
        }
    }
}
