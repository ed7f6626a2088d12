package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.server.admin.Json;
import cairn.server.cli.CliTest;
import cairn.server.cli.ExitCodes;
import cairn.protocols.nbd.client.NbdClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts {@code cairn run} as a child process on a temp dir with random ports (HTTP, NFS, 9P, NBD), drives it
 * through the admin CLI and a real NBD client, stops it with SIGTERM, and checks the data after a restart.
 */
class RunCommandIT {
    private static final Duration DEADLINE = Duration.ofSeconds(180); // a cold JVM on two loaded cores

    @TempDir
    Path dir;

    private Path writeConfig(int httpPort, int nfsPort, int ninepPort, int nbdPort) throws Exception {
        Path config = dir.resolve("cairn.toml");
        Files.writeString(config, """
                [storage]
                url = "file://store"
                password = "${CAIRN_TEST_PASSWORD}"
                [cache]
                dir = "cache"
                [servers.http]
                addresses = ["127.0.0.1:%d"]
                [servers.nfs]
                addresses = ["127.0.0.1:%d"]
                [servers.ninep]
                addresses = ["127.0.0.1:%d"]
                [servers.nbd]
                addresses = ["127.0.0.1:%d"]
                """.formatted(httpPort, nfsPort, ninepPort, nbdPort));
        return config;
    }

    @Test
    void nodeServesEverythingStopsCleanlyOnSigtermAndKeepsDataAcrossRestart() throws Exception {
        int httpPort = NodeProcess.freePort();
        int nfsPort = NodeProcess.freePort();
        int ninepPort = NodeProcess.freePort();
        int nbdPort = NodeProcess.freePort();
        Path config = writeConfig(httpPort, nfsPort, ninepPort, nbdPort);
        // the TCP admin endpoint (loopback, token only) next to the Unix socket
        int adminPort = NodeProcess.freePort();
        Path token = Files.writeString(dir.resolve("admin.token"), "run-command-it-admin-token\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(config, "[admin]\naddress = \"127.0.0.1:" + adminPort + "\"\ntoken_file = \"admin.token\"\n",
                StandardOpenOption.APPEND);
        String admin = "127.0.0.1:" + adminPort;
        var nbd = new InetSocketAddress("127.0.0.1", nbdPort);
        byte[] block = new byte[4096];
        new Random(42).nextBytes(block);
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
            var overTcp = cli("status", "--json", "--admin", admin, "--token-file", token.toString());
            assertEquals(0, overTcp.exit(), overTcp.toString());
            assertEquals(status.get("started_at"), Json.parseObject(overTcp.out().strip()).get("started_at"));
            var fsck = cli("fsck", "--metadata-only", "--admin", admin, "--token-file", token.toString());
            assertEquals(0, fsck.exit(), fsck.toString());
            assertTrue(fsck.out().contains("fsck: no problems found"), fsck.out());

            var created = cli("checkpoint", "create", "--name", "before-upgrade", "-c", config.toString());
            assertEquals(0, created.exit(), created.err());
            assertTrue(created.out().startsWith("created checkpoint "), created.out());
            String id = created.out().strip().substring("created checkpoint ".length());
            assertTrue(cli("checkpoint", "list", "-c", config.toString()).out().contains("before-upgrade"));
            assertEquals(0, cli("checkpoint", "delete", id, "-c", config.toString()).exit());
            assertEquals(ExitCodes.FAILED, cli("checkpoint", "delete", id, "-c", config.toString()).exit(), "deleted twice");
            assertEquals("no checkpoints", cli("checkpoint", "list", "-c", config.toString()).out().strip());

            for (int port : new int[] {nfsPort, ninepPort}) {
                try (var socket = new Socket("127.0.0.1", port)) {
                    assertTrue(socket.isConnected(), "listening on " + port);
                }
            }
            var createdDevice = cli("nbd", "create", "disk0", "1M", "-c", config.toString());
            assertEquals(0, createdDevice.exit(), createdDevice.err());
            assertEquals(ExitCodes.FAILED, cli("nbd", "create", "disk0", "1M", "-c", config.toString()).exit(), "exists");
            try (var client = NbdClient.connect(nbd, NbdClient.Options.of("disk0"))) {
                assertEquals(1 << 20, client.size());
                client.write(8192, block).get(30, TimeUnit.SECONDS);
                client.flush().get(30, TimeUnit.SECONDS);
            }

            assertEquals(143, node.stop(DEADLINE), "exit code after SIGTERM:\n" + node.log());
            assertTrue(node.log().contains("cairn stopped"), node.log());
            assertTrue(Files.notExists(dir.resolve("cache/admin/admin.sock")), "admin socket removed");
        }
        // What NBD flushed survives a restart; the restart claims the next epoch and logs JSON lines.
        Files.writeString(config, "[log]\nformat = \"json\"\n", StandardOpenOption.APPEND);
        try (var node = NodeProcess.start(config, dir.resolve("node2.log"), httpPort, env)) {
            node.awaitStatus("/health/ready", 200, DEADLINE);
            assertTrue(node.get("/metrics").body().contains("cairn_node_epoch 2.0"), node.log());
            assertJsonLogLines(node.log());
            try (var client = NbdClient.connect(nbd, NbdClient.Options.of("disk0"))) {
                assertArrayEquals(block, client.read(8192, block.length).get(30, TimeUnit.SECONDS));
            }
            assertEquals(0, cli("nbd", "resize", "disk0", "2M", "-c", config.toString()).exit());
            assertTrue(cli("nbd", "list", "-c", config.toString()).out().matches("(?s)disk0\\s+2M.*"));
            assertEquals(0, cli("nbd", "delete", "disk0", "-c", config.toString()).exit());
            assertEquals("no NBD devices", cli("nbd", "list", "-c", config.toString()).out().strip());
            assertEquals(143, node.stop(DEADLINE), node.log());
        }
    }

    /** Every log line is a JSON object with the node's role and epoch; the ready line says LEADER at epoch 2. */
    private static void assertJsonLogLines(String log) {
        var lines = log.lines().filter(l -> l.startsWith("{")).toList();
        assertTrue(lines.size() >= 3, log);
        boolean readyAsLeader = false;
        for (String line : lines) {
            Map<String, Object> entry = Json.parseObject(line);
            for (String field : new String[] {"time", "level", "logger", "message", "node", "role", "epoch"}) {
                assertTrue(entry.containsKey(field), field + " missing in " + line);
            }
            if (String.valueOf(entry.get("message")).startsWith("cairn ready")) {
                readyAsLeader = entry.get("role").equals("LEADER") && entry.get("epoch").equals(2L);
            }
        }
        assertTrue(readyAsLeader, "no 'cairn ready' line with role LEADER and epoch 2:\n" + log);
    }

    private static CliTest.Result cli(String... args) {
        return CliTest.run(args);
    }

}
