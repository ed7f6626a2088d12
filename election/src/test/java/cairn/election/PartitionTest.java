package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsException;
import cairn.engine.store.MemoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions of a three-node raft cluster over one bucket (real engines, in-process): the leader cut from its
 * raft peers but not from the store, and cut from the store but not from its peers. Raft links are cut by
 * {@link PartitionableRpcFactory}; a node's store by its own fault-injecting view of the bucket.
 *
 * <p>Oracle: every write acknowledged by an fsync is readable on the new leader; the old leader's write that
 * was in flight across the takeover is never acknowledged (the new epoch's fence refuses it); the old leader
 * demotes itself and comes back as a standby.
 */
class PartitionTest {

    private static final int ELECTION_TIMEOUT_MS = 800;
    private static final long DEADLINE_MS = 60_000;

    @TempDir
    Path dir;
    private final MemoryStore bucket = new MemoryStore();
    private final List<RaftPeer> peers = new ArrayList<>();
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        PartitionableRpcFactory.healAll();
        nodes.forEach(n -> {
            n.walGate.resume();
            n.store.resume();
        });
        nodes.forEach(TestNode::close);
    }

    private void startCluster() throws Exception {
        for (int i = 0; i < 3; i++) peers.add(new RaftPeer("n" + i, "127.0.0.1:" + RaftElectorTest.freePort(), "127.0.0.1:0"));
        for (RaftPeer p : peers) {
            Path d = Files.createDirectories(dir.resolve(p.nodeId()));
            nodes.add(new TestNode(p.nodeId(), bucket, new RaftElector(p, peers, d, ELECTION_TIMEOUT_MS, false),
                    p.nodeId().hashCode()).start());
        }
    }

    private String raftAddress(TestNode n) {
        return peers.stream().filter(p -> p.nodeId().equals(n.id)).findFirst().orElseThrow().raftAddress();
    }

    private List<String> acknowledgedWrites(TestNode leader, String prefix, int count) {
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestNode.writeDurably(leader.serving.get(), prefix + i);
            acked.add(prefix + i);
        }
        return acked;
    }

    @Test
    void leaderCutFromItsPeersButNotTheStoreIsReplacedAndFenced() throws Exception {
        startCluster();
        TestNode old = awaitLeader(null, 0);
        long oldEpoch = old.controller.ownEpoch();
        FileSystem oldFs = old.serving.get();
        List<String> acked = acknowledgedWrites(old, "before-", 20);

        // an fsync whose WAL PUT is still on its way to the store when the partition starts
        old.walGate.pause();
        var inFlight = CompletableFuture.runAsync(() -> TestNode.writeDurably(oldFs, "in-flight"));
        RaftElectorTest.await("the old leader's WAL PUT to be in flight", DEADLINE_MS, () -> old.walGate.held() > 0);
        PartitionableRpcFactory.isolate(raftAddress(old), peers.stream().map(RaftPeer::raftAddress).toList());

        TestNode next = awaitLeader(old, oldEpoch);
        FileSystem nextFs = next.serving.get();
        for (String name : acked) assertEquals(name, TestNode.read(nextFs, name), "acknowledged before the partition");
        TestNode.writeDurably(nextFs, "after");

        // the old leader's PUT lands now: it collides with the new epoch's fence, so the fsync is never acknowledged
        old.walGate.resume();
        var e = assertThrows(ExecutionException.class, () -> inFlight.get(DEADLINE_MS, TimeUnit.MILLISECONDS));
        assertNotNull(e.getCause());
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> nextFs.lookup(
                cairn.engine.fs.Caller.ROOT, FileSystem.ROOT_INODE, "in-flight")).errno(), "a refused write is not there");
        RaftElectorTest.await("the old leader to demote itself", DEADLINE_MS,
                () -> old.controller.role() == Role.STANDBY && old.serving.get() == null);
        assertThrows(RuntimeException.class, () -> TestNode.writeDurably(oldFs, "zombie"), "deposed: acknowledges nothing");

        PartitionableRpcFactory.healAll();
        TestNode.writeDurably(nextFs, "healed");
        assertEquals(1, nodes.stream().filter(n -> n.controller.role() == Role.LEADER).count(), "one leader after healing");
        assertEquals("after", TestNode.read(nextFs, "after"));
    }

    @Test
    void leaderCutFromTheStoreButNotItsPeersStepsDownForOneThatReachesIt() throws Exception {
        startCluster();
        TestNode old = awaitLeader(null, 0);
        long oldEpoch = old.controller.ownEpoch();
        FileSystem oldFs = old.serving.get();
        List<String> acked = acknowledgedWrites(old, "before-", 20);

        // every store call of the leader now hangs (a black-holed S3 endpoint); its raft links stay up
        old.store.pause();
        var inFlight = CompletableFuture.runAsync(() -> TestNode.writeDurably(oldFs, "in-flight"));
        RaftElectorTest.await("the old leader's fsync to be stuck", DEADLINE_MS, () -> old.store.callsBlocked() > 0);

        TestNode next = awaitLeader(old, oldEpoch);
        assertFalse(inFlight.isDone(), "a leader cut from the store acknowledges nothing");
        FileSystem nextFs = next.serving.get();
        for (String name : acked) assertEquals(name, TestNode.read(nextFs, name), "acknowledged before the cut");
        TestNode.writeDurably(nextFs, "after");

        old.store.resume();
        assertThrows(ExecutionException.class, () -> inFlight.get(DEADLINE_MS, TimeUnit.MILLISECONDS),
                "the write that waited through the takeover is refused");
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> nextFs.lookup(
                cairn.engine.fs.Caller.ROOT, FileSystem.ROOT_INODE, "in-flight")).errno());
        RaftElectorTest.await("the old leader to be a standby", DEADLINE_MS,
                () -> old.controller.role() == Role.STANDBY && old.serving.get() == null);
        assertEquals(next, awaitLeader(old, oldEpoch), "the node that reaches the store keeps leading");
        assertEquals("after", TestNode.read(nextFs, "after"));
    }

    /** The single serving leader other than {@code except}, at an epoch above {@code aboveEpoch}. */
    private TestNode awaitLeader(TestNode except, long aboveEpoch) throws InterruptedException {
        RaftElectorTest.await("a serving leader at an epoch above " + aboveEpoch, DEADLINE_MS, () -> nodes.stream()
                .filter(n -> n != except && n.controller.role() == Role.LEADER && n.serving.get() != null
                        && n.controller.ownEpoch() > aboveEpoch)
                .count() == 1);
        return nodes.stream().filter(n -> n != except && n.controller.role() == Role.LEADER).findFirst().orElseThrow();
    }
}
