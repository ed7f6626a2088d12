package cairn.election;

import cairn.election.peer.PeerMembers;
import cairn.election.peer.PeerTls;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Raft electors on loopback ports in one JVM, with what each one's listener was last told. */
final class RaftGroup implements AutoCloseable {

    /** What a node's listener heard last: leading at {@code term}, or not leading. */
    record Heard(boolean leading, long term) {}

    final List<RaftPeer> peers = new ArrayList<>();
    private final Path dir;
    private final int electionTimeoutMs;
    private final Map<String, RaftElector> electors = new ConcurrentHashMap<>();
    private final Map<String, Heard> heard = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> deposedGates = new ConcurrentHashMap<>();

    /** A group of {@code size} members n0..n(size-1), none started. */
    RaftGroup(Path dir, int size, int electionTimeoutMs) throws IOException {
        this.dir = dir;
        this.electionTimeoutMs = electionTimeoutMs;
        for (int i = 0; i < size; i++) peers.add(new RaftPeer("n" + i, "127.0.0.1:" + freePort(), "127.0.0.1:0"));
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    RaftPeer peer(String id) {
        return peers.stream().filter(p -> p.nodeId().equals(id)).findFirst().orElseThrow();
    }

    /** This group's members as peer TLS sees them, for member {@code self}. */
    PeerMembers members(String self) {
        var byAddress = new java.util.HashMap<String, String>();
        for (RaftPeer p : peers) byAddress.put(p.raftAddress(), p.nodeId());
        return new PeerMembers(self, byAddress);
    }

    /** Starts member {@code id}, with peer TLS when {@code tls} is present. */
    RaftElector start(String id, Optional<PeerTls> tls) throws IOException {
        RaftPeer self = peer(id);
        var elector = new RaftElector(self, peers, Files.createDirectories(dir.resolve(id)), electionTimeoutMs, false, tls);
        electors.put(id, elector);
        elector.start(new Elector.Listener() {
            @Override
            public void elected(long term) {
                heard.put(id, new Heard(true, term));
            }

            @Override
            public void deposed(String reason) {
                heard.put(id, new Heard(false, 0));
                var gate = deposedGates.remove(id);
                if (gate == null) return;
                try {
                    gate.await(); // a demotion stuck on the store, as far as the elector can tell
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return elector;
    }

    /** Makes {@code id}'s next deposition block its listener until {@code gate} opens. */
    void holdNextDeposition(String id, java.util.concurrent.CountDownLatch gate) {
        deposedGates.put(id, gate);
    }

    RaftElector elector(String id) {
        return electors.get(id);
    }

    /** What {@code id}'s listener heard last, or null if nothing yet. */
    Heard heard(String id) {
        return heard.get(id);
    }

    /** The members whose listener was last told they lead. */
    List<String> leaders() {
        return heard.entrySet().stream().filter(e -> e.getValue().leading()).map(Map.Entry::getKey).sorted().toList();
    }

    /** Closes member {@code id} (a crash, as far as its peers can tell) and forgets what it heard. */
    void stop(String id) {
        electors.remove(id).close();
        heard.remove(id);
    }

    @Override
    public void close() {
        electors.values().forEach(RaftElector::close);
    }
}
