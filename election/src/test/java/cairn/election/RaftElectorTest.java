package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftElectorTest {

    @TempDir
    Path dir;

    @Test
    void threeNodesElectOneLeaderAndReElectWhenItDies() throws Exception {
        try (var group = new RaftGroup(dir, 3, 600)) {
            for (RaftPeer p : group.peers) group.start(p.nodeId(), Optional.empty());
            Await.until("a leader", Duration.ofSeconds(60), () -> group.leaders().size() == 1);
            String first = group.leaders().get(0);
            assertEquals(first, group.elector(first).leaderNodeId());
            group.stop(first);
            Await.until("a new leader", Duration.ofSeconds(60), () -> group.leaders().size() == 1);
            assertNotEquals(first, group.leaders().get(0));
        }
    }

    @Test
    void aLeaderStillBusyWithItsLastDemotionHandsLeadershipOn() throws Exception {
        try (var group = new RaftGroup(dir, 3, 1000)) {
            for (RaftPeer p : group.peers) group.start(p.nodeId(), Optional.empty());
            Await.until("a leader", Duration.ofSeconds(60), () -> group.leaders().size() == 1);
            String busy = group.leaders().get(0);
            String other = group.peers.stream().map(RaftPeer::nodeId).filter(id -> !id.equals(busy)).findFirst().orElseThrow();
            var gate = new java.util.concurrent.CountDownLatch(1);
            try {
                group.holdNextDeposition(busy, gate);
                Await.until(other + " to lead", Duration.ofSeconds(60), () -> {
                    group.elector(busy).transferTo(other);
                    return other.equals(group.elector(other).leaderNodeId()) && group.leaders().equals(java.util.List.of(other));
                });
                long otherTerm = group.heard(other).term();
                // raft elects the busy node again; its listener is still stuck in the deposition and never hears it
                Await.until(busy + " to lead raft again", Duration.ofSeconds(60), () -> {
                    group.elector(other).transferTo(busy);
                    return busy.equals(group.elector(other).leaderNodeId());
                });
                Await.until("another node to lead in a newer term", Duration.ofSeconds(60), () -> {
                    var leaders = group.leaders();
                    return leaders.size() == 1 && !leaders.get(0).equals(busy) && group.heard(leaders.get(0)).term() > otherTerm;
                });
                assertFalse(group.heard(busy).leading(), "the busy node's listener never acted on the election");
            } finally {
                gate.countDown();
            }
        }
    }
}
