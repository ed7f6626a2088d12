package cairn.server.node;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.SetAttr;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code cairn run} processes with {@code [ha] mode = "lease"} (no raft) on one file:// bucket. The
 * leader is killed with SIGKILL; the standby takes over once the lease object has gone unrenewed for
 * lease + grace, claims the next epoch, and serves every committed byte; the killed node comes back as a standby.
 */
class HaLeaseIT {

    private static final Duration START = Duration.ofSeconds(240); // two JVMs on two loaded cores can take minutes
    private static final long LEASE_MS = 1500;
    private static final long GRACE_MS = 500;

    @TempDir
    Path dir;
    private final List<Node> nodes = new ArrayList<>();

    private record Node(String id, int nfs, int http, Path config, NodeProcess[] process) {
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

    private void start(Node n) throws IOException {
        n.process[0] = NodeProcess.start(n.config, dir.resolve(n.id + ".log"), n.http, Map.of());
    }

    private Node node(String id) throws IOException {
        var n = new Node(id, NodeProcess.freePort(), NodeProcess.freePort(), dir.resolve(id + ".toml"), new NodeProcess[1]);
        Files.writeString(n.config, """
                [storage]
                url = "file://%s"
                password = "lease-test"
                [cache]
                dir = "%s"
                [engine]
                flush_interval_ms = 20
                [servers.nfs]
                addresses = ["127.0.0.1:%d"]
                [servers.http]
                addresses = ["127.0.0.1:%d"]
                [ha]
                node_id = "%s"
                mode = "lease"
                lease_ms = %d
                grace_ms = %d
                poll_interval_ms = 100
                """.formatted(dir.resolve("bucket"), dir.resolve(id + "-cache"), n.nfs, n.http, id, LEASE_MS, GRACE_MS));
        nodes.add(n);
        return n;
    }

    private Node awaitLeader(List<Node> candidates) {
        return NodeProcess.awaitLeader(candidates, Node::proc, START);
    }

    @Test
    void standbyTakesOverAfterLeasePlusGraceWithEveryCommittedByte() throws Exception {
        Node a = node("a");
        Node b = node("b");
        start(a);
        Node first = awaitLeader(List.of(a)); // a alone first, so the roles are known
        start(b);
        b.proc().awaitStatus("/health/ready", 200, START);

        byte[] data = new byte[256 << 10];
        new SplittableRandom(8).nextBytes(data);
        byte[] fh;
        long verifierBefore;
        try (var nfs = NfsClient.connect(new InetSocketAddress("127.0.0.1", first.nfs))) {
            byte[] root = nfs.mount("/");
            fh = nfs.create(root, "committed", Nfs3.UNCHECKED, SetAttr.NONE).fh();
            int chunk = 32 << 10;
            verifierBefore = 0;
            for (int off = 0; off < data.length; off += chunk) {
                verifierBefore = nfs.write(fh, off, java.util.Arrays.copyOfRange(data, off, off + chunk), Nfs3.UNSTABLE).verifier();
            }
            assertEquals(verifierBefore, nfs.commit(fh, 0, 0), "no takeover during the writes");
        }
        assertNotEquals(200, b.proc().get("/health/leader").statusCode(), "b is a standby while a renews the lease");

        long killedAt = System.nanoTime();
        first.proc().close(); // SIGKILL: the lease is never released
        Node next = awaitLeader(List.of(b));
        long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("lease takeover after " + takeoverMs + " ms (lease " + LEASE_MS + " + grace " + GRACE_MS + ")");
        // b saw the last renewal at most a third of the lease before the kill and then waits lease + grace
        assertTrue(takeoverMs >= LEASE_MS * 2 / 3 + GRACE_MS, "took over before the lease expired: " + takeoverMs + " ms");

        try (var nfs = NfsClient.connect(new InetSocketAddress("127.0.0.1", next.nfs))) {
            nfs.mount("/");
            assertArrayEquals(data, nfs.read(fh, 0, data.length).data(), "every committed byte, through the same handle");
            assertNotEquals(verifierBefore, nfs.commit(fh, 0, 0), "a new epoch changes the write verifier");
        }

        start(a); // the killed node comes back and finds b's lease alive: it stays a standby
        a.proc().awaitStatus("/health/ready", 200, START);
        assertNotEquals(200, a.proc().get("/health/leader").statusCode(), "a restarted node joins as a standby");
        assertEquals(200, b.proc().get("/health/leader").statusCode(), "b keeps leading");
    }
}
