package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftElectorTest {

    @TempDir
    Path dir;
    private final List<RaftElector> electors = new ArrayList<>();
    private final Map<String, Boolean> leading = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        electors.forEach(RaftElector::close);
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private List<String> leaders() {
        return leading.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    @Test
    void threeNodesElectOneLeaderAndReElectWhenItDies() throws Exception {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) peers.add(new RaftPeer("n" + i, "127.0.0.1:" + freePort(), "127.0.0.1:0"));
        for (RaftPeer p : peers) {
            Path d = Files.createDirectories(dir.resolve(p.nodeId()));
            var e = new RaftElector(p, peers, d, 600, false);
            electors.add(e);
            e.start(new Elector.Listener() {
                @Override
                public void elected(long term) {
                    leading.put(p.nodeId(), true);
                }

                @Override
                public void deposed(String reason) {
                    leading.put(p.nodeId(), false);
                }
            });
        }
        Await.until("a leader", Duration.ofSeconds(60), () -> leaders().size() == 1);
        String first = leaders().get(0);
        RaftElector firstElector = electors.get(Integer.parseInt(first.substring(1)));
        assertEquals(first, firstElector.leaderNodeId());
        firstElector.close();
        leading.remove(first);
        Await.until("a new leader", Duration.ofSeconds(60), () -> leaders().size() == 1);
        assertNotEquals(first, leaders().get(0));
    }
}
