package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.election.EpochLedger;
import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.engine.store.FileStore;
import cairn.engine.testing.Await;
import cairn.server.admin.AdminClient;
import cairn.server.config.CairnConfig;
import cairn.server.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node with {@code [ha]} in lease mode: starts as standby, wins the lease, claims the epoch and serves. */
class HaNodeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private CairnConfig config() {
        return config("node-a");
    }

    private CairnConfig config(String nodeId) {
        return new ConfigLoader(Map.of()).parse("""
                [storage]
                url = "file://store"
                password = "pw"
                [cache]
                dir = "cache-%s"
                [ha]
                node_id = "%s"
                mode = "lease"
                lease_ms = 5000
                grace_ms = 0
                poll_interval_ms = 50
                """.formatted(nodeId, nodeId), "ha.toml", dir);
    }

    private static Map<String, Object> admin(CairnConfig config, String command, Map<String, Object> args) throws Exception {
        return new AdminClient(Node.adminSocket(config)).call(command, args);
    }

    @Test
    void checkpointsAreMadeOnTheLeaderListedEverywhereAndSurviveAFailover() throws Exception {
        var configA = config("node-a");
        var configB = config("node-b");
        try (var a = Node.start(configA, false)) {
            Await.until("a leads", DEADLINE, () -> a.status().leader());
            FileSystem fs = a.fileSystem().orElseThrow();
            long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, "before", 0644, true).ino();
            fs.write(Caller.ROOT, ino, 0, new byte[] {4, 2});
            var created = admin(configA, "checkpoint.create", Map.of("name", "nightly"));
            assertEquals(true, created.get("ok"), created.toString());
            try (var b = Node.start(configB, false)) {
                Await.until("b runs as a standby", DEADLINE, () -> b.status().ready());
                var refused = admin(configB, "checkpoint.create", Map.of("name", "x"));
                assertEquals("UNAVAILABLE", refused.get("code"), refused.toString());
                assertTrue(String.valueOf(refused.get("error")).contains("run the command on the leader (node node-a"),
                        refused.toString());
                assertEquals(1, ((List<?>) admin(configB, "checkpoint.list", Map.of()).get("result")).size(),
                        "a standby lists the leader's checkpoints");
                a.close(); // the lease is no longer renewed: b takes over
                Await.until("b leads after a stopped", DEADLINE, () -> b.status().leader());
                var listed = (List<?>) admin(configB, "checkpoint.list", Map.of()).get("result");
                assertEquals("nightly", ((Map<?, ?>) listed.get(0)).get("name"), "the checkpoint survives the failover");
                assertEquals(true, admin(configB, "checkpoint.create", Map.of("name", "on-b")).get("ok"));
                assertEquals(2, ((List<?>) admin(configB, "checkpoint.list", Map.of()).get("result")).size());
            }
        }
    }

    @Test
    void singleLeaseNodeBecomesTheWriterAndItsDataSurvivesARestart() throws Exception {
        var config = config();
        byte[] content = {1, 2, 3};
        try (var node = Node.start(config, false)) {
            assertTrue(node.status().ready(), "an HA node is ready as soon as it runs in its role");
            // the node serves as the writer a moment before its role controller reports LEADER
            Await.until("becomes the leader", DEADLINE,
                    () -> node.status().leader() && "LEADER".equals(node.statusMap().get("role")));
            FileSystem fs = node.fileSystem().orElseThrow();
            long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, "f", 0644, true).ino();
            fs.write(Caller.ROOT, ino, 0, content);
            fs.fsync(ino);
        }
        try (var store = new FileStore(dir.resolve("store"))) {
            var latest = new EpochLedger(store).latest().orElseThrow();
            assertEquals("node-a", latest.nodeId());
        }
        try (var node = Node.start(config, false)) {
            Await.until("leads again after a restart", DEADLINE, () -> node.status().leader());
            FileSystem fs = node.fileSystem().orElseThrow();
            long ino = fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "f").ino();
            assertArrayEquals(content, fs.read(Caller.ROOT, ino, 0, 10).data());
            assertTrue(node.status().epoch() >= 2, "a new epoch per promotion: " + node.status().epoch());
        }
    }
}
