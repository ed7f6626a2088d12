package cairn.server.node;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.SetAttr;
import cairn.protocols.nbd.client.NbdClient;
import cairn.protocols.nfs.Nfs3;
import cairn.protocols.nfs.client.NfsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code cairn run} processes with {@code [ha]} raft on one file:// bucket. The leader is killed
 * with SIGKILL under NBD and NFS clients; the new leader must have every flushed block, keep file handles
 * valid, and change the NFS write verifier so that clients resend what was not committed.
 */
class HaClusterIT {

    private static final Duration START = Duration.ofSeconds(300); // three JVMs on two loaded cores can take minutes

    @TempDir
    Path dir;
    private final List<Node> nodes = new ArrayList<>();

    private record Node(String id, int nfs, int nbd, int http, int raft, Path config, NodeProcess[] process) {
        NodeProcess proc() {
            return process[0];
        }
    }

    @AfterEach
    void killAll() {
        nodes.forEach(n -> {
            if (n.proc() != null) n.proc().close();
        });
    }

    private void cluster(int size) throws IOException {
        Files.writeString(dir.resolve("key"), java.util.HexFormat.of().formatHex(new byte[] {7, 1, 9, 4, 2, 8, 5, 3}).repeat(4));
        Files.setPosixFilePermissions(dir.resolve("key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        for (int i = 0; i < size; i++) {
            nodes.add(new Node("n" + i, NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort(),
                    NodeProcess.freePort(), dir.resolve("n" + i + ".toml"), new NodeProcess[1]));
        }
        String peers = String.join(", ", nodes.stream().map(n -> "\"" + n.id + "@127.0.0.1:" + n.raft + "\"").toList());
        for (Node n : nodes) {
            Files.writeString(n.config, """
                    [storage]
                    url = "file://%s"
                    key_file = "%s"
                    [cache]
                    dir = "%s"
                    [engine]
                    flush_interval_ms = 20
                    [servers.nfs]
                    addresses = ["127.0.0.1:%d"]
                    [servers.nbd]
                    addresses = ["127.0.0.1:%d"]
                    [servers.http]
                    addresses = ["127.0.0.1:%d"]
                    [ha]
                    node_id = "%s"
                    mode = "raft"
                    raft_address = "127.0.0.1:%d"
                    peers = [%s]
                    election_timeout_ms = 1000
                    poll_interval_ms = 100
                    """.formatted(dir.resolve("bucket"), dir.resolve("key"), dir.resolve(n.id + "-cache"),
                    n.nfs, n.nbd, n.http, n.id, n.raft, peers));
            start(n);
        }
    }

    private void start(Node n) throws IOException {
        n.process[0] = NodeProcess.start(n.config, dir.resolve(n.id + ".log"), n.http, Map.of());
    }

    private Node awaitLeader(List<Node> candidates) {
        return NodeProcess.awaitLeader(candidates, Node::proc, START);
    }

    /** A client step against whoever leads now. */
    private interface LeaderAction<T> {
        T run(Node leader) throws Exception;
    }

    /**
     * Runs {@code action} on the current leader, and again on the next one if leadership moved under it (a
     * loaded machine can make a fresh leader lose its term): what a client behind a VIP does.
     */
    private <T> T onLeader(List<Node> candidates, LeaderAction<T> action) throws Exception {
        long end = System.nanoTime() + START.toNanos();
        while (true) {
            Node leader = awaitLeader(candidates);
            try {
                return action.run(leader);
            } catch (Exception e) {
                if (System.nanoTime() > end) throw e;
            }
        }
    }

    @Test
    void killingTheLeaderKeepsEveryFlushedBlockAndChangesTheNfsVerifier() throws Exception {
        cluster(3);
        record Before(Node leader, byte[] fh, long verifier) {}
        Before before = onLeader(nodes, leader -> {
            try (var nfs = NfsClient.connect(new InetSocketAddress("127.0.0.1", leader.nfs))) {
                byte[] root = nfs.mount("/");
                byte[] nbdDir = nfs.lookup(root, ".nbd").fh();
                byte[] disk = nfs.create(nbdDir, "disk", Nfs3.UNCHECKED, SetAttr.NONE).fh();
                nfs.setattr(disk, SetAttr.size(16 << 20), null);
                nfs.commit(disk, 0, 0);
                byte[] fh = nfs.create(root, "unstable", Nfs3.UNCHECKED, SetAttr.NONE).fh();
                return new Before(leader, fh, nfs.write(fh, 0, new byte[] {1, 2, 3}, Nfs3.UNSTABLE).verifier());
            }
        });
        byte[] fh = before.fh();
        long verifierBefore = before.verifier();
        byte[][] blocks = new byte[32][4096];
        var random = new SplittableRandom(11);
        for (byte[] b : blocks) random.nextBytes(b);
        Node leader = onLeader(nodes, l -> {
            try (var nbd = NbdClient.connect(new InetSocketAddress("127.0.0.1", l.nbd), NbdClient.Options.of("disk"))) {
                for (int i = 0; i < blocks.length; i++) nbd.write((long) i * 4096, blocks[i]).get(30, TimeUnit.SECONDS);
                nbd.flush().get(30, TimeUnit.SECONDS);
            }
            return l;
        });
        if (leader != before.leader()) verifierBefore = -1; // leadership moved in between: compare with nothing

        leader.proc().close(); // SIGKILL
        var survivors = nodes.stream().filter(n -> n != leader).toList();
        long lastVerifier = verifierBefore;
        Node next = onLeader(survivors, n -> {
            try (var nbd = NbdClient.connect(new InetSocketAddress("127.0.0.1", n.nbd), NbdClient.Options.of("disk"))) {
                for (int i = 0; i < blocks.length; i++) {
                    assertArrayEquals(blocks[i], nbd.read((long) i * 4096, 4096).get(30, TimeUnit.SECONDS),
                            "block " + i + " was flushed before the kill");
                }
            }
            try (var nfs = NfsClient.connect(new InetSocketAddress("127.0.0.1", n.nfs))) {
                nfs.mount("/");
                long verifierAfter = nfs.commit(fh, 0, 0);
                assertNotEquals(lastVerifier, verifierAfter, "a takeover changes the write verifier: clients resend");
                assertNotNull(nfs.getattr(fh), "file handles stay valid across the failover");
            }
            return n;
        });
        assertNotEquals(leader.id, next.id);

        // the killed node comes back as a standby, never as a second leader
        start(leader);
        leader.proc().awaitStatus("/health/live", 200, START);
        assertNotEquals(200, leader.proc().get("/health/leader").statusCode(), "a restarted node joins as a standby");
    }
}
