package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.FileSystem;
import cairn.engine.store.MemoryStore;
import cairn.engine.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Takeover with real engines over one bucket. Oracle: every write acknowledged by an fsync is readable on
 * the new leader, and a deposed leader acknowledges nothing once the new epoch has fenced it.
 */
class FailoverTest {

    private final MemoryStore bucket = new MemoryStore();
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(TestNode::close);
    }

    private TestNode node(String id, Elector elector) {
        var n = new TestNode(id, bucket, elector, id.hashCode()).start();
        nodes.add(n);
        return n;
    }

    @Test
    void pausedLeaderIsFencedAndLosesNothingAcknowledged() throws Exception {
        var electorA = new RoleControllerTest.ManualElector();
        var electorB = new RoleControllerTest.ManualElector();
        TestNode a = node("a", electorA);
        TestNode b = node("b", electorB);
        electorA.elect(1);
        FileSystem fsA = a.serving.get();
        assertNotNull(fsA, "a serves after its promotion");
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            TestNode.writeDurably(fsA, "a-" + i);
            acked.add("a-" + i);
        }
        // SIGSTOP a in the middle of an fsync
        a.store.pause();
        var stuck = CompletableFuture.runAsync(() -> TestNode.writeDurably(fsA, "a-stuck"));
        Await.until("a's fsync to block in the store", Duration.ofSeconds(30), () -> a.store.callsBlocked() > 0);
        electorB.elect(2);
        FileSystem fsB = b.serving.get();
        assertNotNull(fsB, "b serves after taking over");
        assertEquals(2, b.controller.status().ownEpoch());
        for (String name : acked) assertEquals(name, TestNode.read(fsB, name), "acknowledged before the takeover");
        TestNode.writeDurably(fsB, "b-0");
        // SIGCONT: a wakes up after the takeover and must acknowledge nothing
        a.store.resume();
        var e = assertThrows(ExecutionException.class, () -> stuck.get(30, TimeUnit.SECONDS));
        assertNotNull(e.getCause(), "a's fsync after the takeover fails");
        Await.until("a to demote itself", Duration.ofSeconds(60), () -> a.controller.role() == Role.STANDBY);
        assertNull(a.serving.get(), "a stopped serving");
        assertEquals("b-0", TestNode.read(fsB, "b-0"));
    }

    @Test
    void killingTheRaftLeaderRepeatedlyLosesNoAcknowledgedWrite() throws Exception {
        var peers = new ArrayList<RaftPeer>();
        for (int i = 0; i < 3; i++) peers.add(new RaftPeer("n" + i, "127.0.0.1:" + RaftGroup.freePort(), "127.0.0.1:0"));
        var dir = java.nio.file.Files.createTempDirectory("raft");
        java.util.function.Function<RaftPeer, TestNode> start = p -> {
            try {
                var d = java.nio.file.Files.createTempDirectory(dir, p.nodeId());
                return node(p.nodeId(), new RaftElector(p, peers, d, 500, false));
            } catch (java.io.IOException ex) {
                throw new RuntimeException(ex);
            }
        };
        List<TestNode> live = new ArrayList<>(peers.stream().map(start).toList());
        List<String> acked = new ArrayList<>();
        int written = 0;
        for (int round = 0; round < 3; round++) {
            TestNode leader = awaitLeader(live);
            for (int i = 0; i < 10; i++, written++) {
                TestNode.writeDurably(leader.serving.get(), "f-" + written);
                acked.add("f-" + written);
            }
            long killedAt = System.nanoTime();
            leader.kill();
            live.remove(leader);
            TestNode next = awaitLeader(live);
            System.out.printf("round %d: %s -> %s in %d ms%n", round, leader.id, next.id,
                    (System.nanoTime() - killedAt) / 1_000_000);
            for (String name : acked) assertEquals(name, TestNode.read(next.serving.get(), name));
            // restart the killed node as a standby (a new process: a fresh view of the bucket)
            RaftPeer p = peers.stream().filter(x -> x.nodeId().equals(leader.id)).findFirst().orElseThrow();
            live.add(start.apply(p));
        }
    }

    private static TestNode awaitLeader(List<TestNode> live) throws InterruptedException {
        Await.until("a serving leader", Duration.ofSeconds(60),
                () -> live.stream().filter(n -> n.controller.role() == Role.LEADER && n.serving.get() != null).count() == 1);
        return live.stream().filter(n -> n.controller.role() == Role.LEADER).findFirst().orElseThrow();
    }
}
