package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.Caller;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsException;
import cairn.engine.store.MemoryStore;
import cairn.engine.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private static final int ELECTION_TIMEOUT_MS = 1500; // long enough not to churn on a loaded machine
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path dir;
    private final MemoryStore bucket = new MemoryStore();
    private final List<RaftPeer> peers = new ArrayList<>();
    private final List<TestNode> nodes = new ArrayList<>();
    private final long startNs = System.nanoTime();

    private void step(String what) {
        System.out.printf("PartitionTest +%d ms: %s%n", (System.nanoTime() - startNs) / 1_000_000, what);
    }

    @AfterEach
    void close() {
        step("closing");
        PartitionableRpcFactory.healAll();
        nodes.forEach(n -> {
            n.walGate.resume();
            n.store.resume();
        });
        nodes.forEach(TestNode::close);
    }

    private void startCluster() throws Exception {
        for (int i = 0; i < 3; i++) peers.add(new RaftPeer("n" + i, "127.0.0.1:" + RaftGroup.freePort(), "127.0.0.1:0"));
        for (RaftPeer p : peers) {
            Path d = Files.createDirectories(dir.resolve(p.nodeId()));
            nodes.add(new TestNode(p.nodeId(), bucket, new RaftElector(p, peers, d, ELECTION_TIMEOUT_MS, false),
                    p.nodeId().hashCode()).start());
        }
    }

    private String raftAddress(TestNode n) {
        return peers.stream().filter(p -> p.nodeId().equals(n.id)).findFirst().orElseThrow().raftAddress();
    }

    /** Writes 20 files durably on the leader (following it if leadership moves) and returns that leader. */
    private TestNode leaderAfterAcknowledgedWrites(List<String> acked) throws Exception {
        while (true) {
            TestNode leader = awaitLeader(null, 0);
            FileSystem fs = leader.serving.get();
            try {
                for (int i = 0; i < 20; i++) {
                    String name = "before-" + acked.size();
                    TestNode.writeDurably(fs, name);
                    acked.add(name);
                }
                return leader;
            } catch (RuntimeException e) {
                if (leader.serving.get() == fs) throw e;
                step("leadership moved during the first writes (" + e + ")");
            }
        }
    }

    @Test
    void leaderCutFromItsPeersButNotTheStoreIsReplacedAndFenced() throws Exception {
        startCluster();
        List<String> acked = new ArrayList<>();
        TestNode old = leaderAfterAcknowledgedWrites(acked);
        step("leader elected, 20 writes acknowledged");
        long oldEpoch = old.controller.ownEpoch();
        FileSystem oldFs = old.serving.get();

        // an fsync whose WAL PUT is still on its way to the store when the partition starts
        old.walGate.pause();
        var inFlight = CompletableFuture.runAsync(() -> TestNode.writeDurably(oldFs, "in-flight"));
        Await.until("the old leader's WAL PUT to be in flight", DEADLINE, () -> old.walGate.held() > 0);
        PartitionableRpcFactory.isolate(raftAddress(old), peers.stream().map(RaftPeer::raftAddress).toList());

        awaitLeader(old, oldEpoch);
        step("new leader serves");
        onLeader(old, oldEpoch, fs -> {
            for (String name : acked) assertEquals(name, TestNode.read(fs, name), "acknowledged before the partition");
            TestNode.writeDurably(fs, "after");
        });

        // the old leader's PUT lands now: it collides with the new epoch's fence, so the fsync is never acknowledged
        old.walGate.resume();
        var e = assertThrows(ExecutionException.class, () -> inFlight.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        assertNotNull(e.getCause());
        Await.until("the old leader to demote itself", DEADLINE,
                () -> old.controller.role() == Role.STANDBY && old.serving.get() == null);
        assertThrows(RuntimeException.class, () -> TestNode.writeDurably(oldFs, "zombie"), "deposed: acknowledges nothing");
        step("old leader demoted");

        PartitionableRpcFactory.healAll();
        onLeader(null, oldEpoch, fs -> {
            for (String name : acked) assertEquals(name, TestNode.read(fs, name));
            assertEquals("after", TestNode.read(fs, "after"));
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.lookup(
                    Caller.ROOT, FileSystem.ROOT_INODE, "in-flight")).errno(), "a refused write is not there");
        });
    }

    @Test
    void leaderCutFromTheStoreButNotItsPeersStepsDownForOneThatReachesIt() throws Exception {
        startCluster();
        List<String> acked = new ArrayList<>();
        TestNode old = leaderAfterAcknowledgedWrites(acked);
        step("leader elected, 20 writes acknowledged");
        long oldEpoch = old.controller.ownEpoch();
        FileSystem oldFs = old.serving.get();

        // every store call of the leader now hangs (a black-holed S3 endpoint); its raft links stay up
        old.store.pause();
        var inFlight = CompletableFuture.runAsync(() -> TestNode.writeDurably(oldFs, "in-flight"));
        Await.until("the old leader's fsync to be stuck", DEADLINE, () -> old.store.callsBlocked() > 0);

        awaitLeader(old, oldEpoch);
        step("new leader serves");
        assertFalse(inFlight.isDone(), "a leader cut from the store acknowledges nothing");
        onLeader(old, oldEpoch, fs -> {
            for (String name : acked) assertEquals(name, TestNode.read(fs, name), "acknowledged before the cut");
            TestNode.writeDurably(fs, "after");
        });

        old.store.resume();
        assertThrows(ExecutionException.class, () -> inFlight.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                "the write that waited through the takeover is refused");
        Await.until("the old leader to be a standby", DEADLINE,
                () -> old.controller.role() == Role.STANDBY && old.serving.get() == null);
        step("old leader demoted");
        onLeader(null, oldEpoch, fs -> {
            assertEquals("after", TestNode.read(fs, "after"));
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.lookup(
                    Caller.ROOT, FileSystem.ROOT_INODE, "in-flight")).errno(), "a refused write is not there");
        });
    }

    /**
     * Runs {@code check} on the filesystem of the serving leader (other than {@code except}, at an epoch above
     * {@code aboveEpoch}), and again on the next one if leadership moved under it: on a loaded machine a fresh
     * raft leader can lose its term, and a client would simply follow the new leader.
     */
    private void onLeader(TestNode except, long aboveEpoch, java.util.function.Consumer<FileSystem> check) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            TestNode leader = awaitLeader(except, aboveEpoch);
            FileSystem fs = leader.serving.get();
            try {
                if (fs == null) continue;
                check.accept(fs);
                return;
            } catch (RuntimeException e) {
                if (leader.serving.get() == fs || System.nanoTime() > end) throw e; // a real failure, not a lost lead
                step("leadership moved during a check (" + e + "); again on the next leader");
            }
        }
    }

    /** The single serving leader other than {@code except}, at an epoch above {@code aboveEpoch}. */
    private TestNode awaitLeader(TestNode except, long aboveEpoch) throws InterruptedException {
        Await.until("a serving leader at an epoch above " + aboveEpoch, DEADLINE, () -> nodes.stream()
                .filter(n -> n != except && n.controller.role() == Role.LEADER && n.serving.get() != null
                        && n.controller.ownEpoch() > aboveEpoch)
                .count() == 1);
        return nodes.stream().filter(n -> n != except && n.controller.role() == Role.LEADER).findFirst().orElseThrow();
    }
}
