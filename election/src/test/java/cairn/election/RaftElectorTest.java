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
}
