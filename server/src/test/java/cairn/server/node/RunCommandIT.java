package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.server.admin.Json;
import cairn.server.cli.CliTest;
import cairn.server.cli.ExitCodes;
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

    private Path writeConfig(int httpPort) throws Exception {
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
        return config;
    }

    @Test
    void nodeServesHealthMetricsAndAdminAndStopsCleanlyOnSigterm() throws Exception {
        int httpPort = NodeProcess.freePort();
        Path config = writeConfig(httpPort);
        var env = Map.of("CAIRN_TEST_PASSWORD", "pw");
        try (var node = NodeProcess.start(config, dir.resolve("node.log"), httpPort, env)) {
            node.awaitStatus("/health/ready", 200, DEADLINE);
            assertEquals(200, node.get("/health/live").statusCode());
            assertEquals(200, node.get("/health/leader").statusCode(), "a single node is the writer");
            assertEquals(404, node.get("/nope").statusCode());

            var metrics = node.get("/metrics").body();
            assertTrue(metrics.contains("cairn_build_info{"), "cairn metrics exported");
            assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM binders registered");
            assertTrue(metrics.contains("cairn_node_ready 1.0"), "ready gauge");
            assertTrue(metrics.contains("cairn_node_epoch 1.0"), "first start claims epoch 1");
            assertTrue(metrics.contains("cairn_store_requests_seconds_count{"), "store metrics on the same registry");

            var status = Json.parseObject(cli("status", "--json", "-c", config.toString()).out().strip());
            assertEquals("SERVING", status.get("phase"));
            assertEquals(1L, status.get("epoch"));
            assertEquals(Json.parseObject(node.get("/status").body().strip()).get("started_at"), status.get("started_at"));

            var created = cli("checkpoint", "create", "--name", "before-upgrade", "-c", config.toString());
            assertEquals(0, created.exit(), created.err());
            assertTrue(created.out().startsWith("created checkpoint "), created.out());
            String id = created.out().strip().substring("created checkpoint ".length());
            assertTrue(cli("checkpoint", "list", "-c", config.toString()).out().contains("before-upgrade"));
            assertEquals(0, cli("checkpoint", "delete", id, "-c", config.toString()).exit());
            assertEquals(ExitCodes.FAILED, cli("checkpoint", "delete", id, "-c", config.toString()).exit(), "deleted twice");
            assertEquals("no checkpoints", cli("checkpoint", "list", "-c", config.toString()).out().strip());

            assertEquals(143, node.stop(DEADLINE), "exit code after SIGTERM:\n" + node.log());
            assertTrue(node.log().contains("cairn stopped"), node.log());
            assertTrue(Files.notExists(dir.resolve("cache/admin/admin.sock")), "admin socket removed");
        }
    }

    private static CliTest.Result cli(String... args) {
        return CliTest.run(args);
    }

}
