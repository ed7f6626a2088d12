package cairn.election;

import cairn.election.peer.PeerMembers;
import cairn.election.peer.PeerTls;
import cairn.election.peer.PeerTlsNodeOptions;
import cairn.election.peer.PeerTlsRpcFactory;
import com.alipay.remoting.config.BoltServerOption;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness by a sofa-jraft group among the HA nodes: the raft leader is the node that should lead. The raft
 * log carries nothing; only leader start/stop events are used. A witness votes but never leads: when it wins
 * an election it hands leadership straight to another peer.
 *
 * <p>With a {@link PeerTls} every raft connection, both the ones this node accepts and the ones it opens, is
 * mutual TLS against the cluster CA; a peer without a certificate from it that names its node id (and is not
 * revoked) can neither vote nor append, and a peer's request that claims another member as its sender is refused.
 */
public final class RaftElector implements Elector {

    private static final String GROUP = "cairn";
    static final int BUSY_HAND_ON_TIMEOUTS = 5;
    private static final Logger log = LoggerFactory.getLogger(RaftElector.class);

    private final RaftPeer self;
    private final List<RaftPeer> peers;
    private final Path dataDir;
    private final int electionTimeoutMs;
    private final boolean witness;
    private final Optional<PeerTls> tls;
    // Listener calls leave jraft's threads at once and run one at a time, in order.
    private final ExecutorService events = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private RaftGroupService service;
    private Node node;
    /** The term this node leads in, set on jraft's state-machine thread before the event is queued; 0 if none. */
    private volatile long leaderTerm;
    /** The last term whose election the listener has begun to act on. */
    private volatile long startedTerm;

    /** A raft elector over plain TCP: keep the raft addresses on a private network (SECURITY.md). */
    public RaftElector(RaftPeer self, List<RaftPeer> peers, Path dataDir, int electionTimeoutMs, boolean witness) {
        this(self, peers, dataDir, electionTimeoutMs, witness, Optional.empty());
    }

    /** A raft elector whose peer channel is mutual TLS when {@code tls} is present. */
    public RaftElector(RaftPeer self, List<RaftPeer> peers, Path dataDir, int electionTimeoutMs, boolean witness,
                       Optional<PeerTls> tls) {
        this.self = self;
        this.peers = List.copyOf(peers);
        this.dataDir = dataDir;
        this.electionTimeoutMs = electionTimeoutMs;
        this.witness = witness;
        this.tls = tls;
        tls.ifPresent(t -> checkMembers(t.members()));
    }

    /** Peer TLS must know exactly this group: the same node, every member's id at its raft address. */
    private void checkMembers(PeerMembers members) {
        var expected = new java.util.HashMap<String, String>();
        for (RaftPeer p : peers) expected.put(p.raftAddress(), p.nodeId());
        if (!members.equals(new PeerMembers(self.nodeId(), expected))) {
            throw new IllegalArgumentException("peer TLS was made for " + members + ", not for this group: node "
                    + self.nodeId() + ", members " + expected);
        }
    }

    @Override
    public synchronized void start(Listener listener) {
        try {
            java.nio.file.Files.createDirectories(dataDir); // jraft's RocksDB log storage needs its parent
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the raft directory " + dataDir, e);
        }
        var conf = new Configuration();
        for (RaftPeer p : peers) conf.addPeer(peerId(p));
        tls.ifPresent(t -> PeerTlsRpcFactory.requireInstalled());
        QuickTickTimerFactory.requireInstalled();
        NodeOptions options = tls.<NodeOptions>map(PeerTlsNodeOptions::new).orElseGet(NodeOptions::new);
        options.setElectionTimeoutMs(electionTimeoutMs);
        options.setRaftOptions(raftOptions(electionTimeoutMs));
        options.setInitialConf(conf);
        options.setFsm(new Events(listener));
        options.setLogUri(dataDir.resolve("log").toString());
        options.setRaftMetaUri(dataDir.resolve("meta").toString());
        options.setSnapshotUri(dataDir.resolve("snapshot").toString());
        options.setDisableCli(true);
        PeerId selfId = peerId(self);
        service = new RaftGroupService(GROUP, selfId, options, boundRpcServer(selfId, tls));
        node = service.start();
    }

    @Override
    public boolean leads(long term) {
        return term != 0 && leaderTerm == term;
    }

    /** Hands leadership to the most up-to-date peer that answers (jraft's choice for {@code ANY_PEER}). */
    @Override
    public synchronized void stepDown() {
        if (node == null || !node.isLeader()) return;
        Status s = node.transferLeadershipTo(PeerId.ANY_PEER);
        if (!s.isOk()) log.warn("raft node {} could not hand over leadership: {}", self.nodeId(), s);
    }

    /** Hands leadership to a named peer (planned failover); false if this node is not the raft leader. */
    public synchronized boolean transferTo(String nodeId) {
        if (node == null || !node.isLeader()) return false;
        RaftPeer target = peers.stream().filter(p -> p.nodeId().equals(nodeId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown node " + nodeId));
        return node.transferLeadershipTo(peerId(target)).isOk();
    }

    /** The node id raft currently believes leads, or null. */
    public synchronized String leaderNodeId() {
        if (node == null) return null;
        PeerId leader = node.getLeaderId();
        if (leader == null || leader.isEmpty()) return null;
        String addr = leader.getEndpoint().toString();
        return peers.stream().filter(p -> p.raftAddress().equals(addr)).map(RaftPeer::nodeId).findFirst().orElse(null);
    }

    @Override
    public synchronized String describe() {
        return "raft node=" + self.nodeId() + " leader=" + leaderNodeId() + (witness ? " witness" : "")
                + (tls.isPresent() ? " peer-tls" : "");
    }

    @Override
    public synchronized void close() {
        if (service != null) {
            service.shutdown();
            try {
                service.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            service = null;
            node = null;
        }
        events.shutdown();
    }

    /**
     * Failover speed. A follower starts a pre-vote once the leader has been silent for {@code electionTimeoutMs};
     * its election timer checks that every quarter of the timeout plus a random delay ({@link
     * QuickTickTimerFactory}), so a dead leader is noticed 1 to 1.3 timeouts after its last heartbeat. The random
     * delay, at most a fifth of the timeout, keeps split votes between the survivors rare. The raft log carries
     * nothing Cairn needs (safety is the epoch ledger's), so appends are not fsynced: the configuration entry a
     * new leader must commit before it starts costs one round trip instead of two fsyncs on a busy disk. Terms
     * and votes are still written through, and survive a process crash in the page cache like the log does.
     */
    static RaftOptions raftOptions(int electionTimeoutMs) {
        var raft = new RaftOptions();
        raft.setMaxElectionDelayMs(Math.max(1, electionTimeoutMs / 5));
        raft.setSync(false);
        return raft;
    }

    /**
     * jraft's default RPC server listens on every interface; this one listens on the raft address only, and
     * with TLS puts the handshake in front of Bolt's codec and checks that each raft request's claimed sender
     * is the member the connection's certificate names.
     */
    private static RpcServer boundRpcServer(PeerId self, Optional<PeerTls> tls) {
        var bolt = new com.alipay.remoting.rpc.RpcServer(self.getIp(), self.getPort(), true);
        tls.ifPresent(t -> bolt.option(BoltServerOption.EXTENDED_NETTY_CHANNEL_HANDLER, t.serverHandlers()));
        RpcServer plain = new BoltRpcServer(bolt);
        RpcServer rpc = tls.map(t -> t.checkingSenders(plain)).orElse(plain);
        RaftRpcServerFactory.addRaftRequestProcessors(rpc);
        return rpc;
    }

    /**
     * Events reach the listener one at a time, so an election waits behind the previous demotion, which may
     * block for the store's retry deadline (closing a writer flushes through a store that stalls). Meanwhile
     * raft keeps this node as its leader and nobody serves. So if the listener has not begun to act on
     * {@code term} after {@value #BUSY_HAND_ON_TIMEOUTS} election timeouts, and this node still leads in it,
     * leadership goes to another peer; checked again as long as both hold.
     */
    private void handOnIfStillQueued(long term) {
        CompletableFuture.delayedExecutor((long) BUSY_HAND_ON_TIMEOUTS * electionTimeoutMs, TimeUnit.MILLISECONDS).execute(() -> {
            if (leaderTerm != term || startedTerm >= term || events.isShutdown()) return;
            log.warn("raft node {} leads in term {} but is still busy with earlier events (a demotion waiting on the store?): handing leadership on",
                    self.nodeId(), term);
            stepDown();
            handOnIfStillQueued(term);
        });
    }

    private static PeerId peerId(RaftPeer p) {
        PeerId id = new PeerId();
        if (!id.parse(p.raftAddress())) throw new IllegalArgumentException("bad raft address " + p.raftAddress());
        return id;
    }

    private final class Events extends StateMachineAdapter {
        private final Listener listener;

        Events(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void onApply(Iterator iter) {
            while (iter.hasNext()) iter.next(); // the log carries nothing
        }

        @Override
        public void onLeaderStart(long term) {
            leaderTerm = term;
            if (witness) {
                events.execute(RaftElector.this::stepDown);
                return;
            }
            events.execute(() -> {
                startedTerm = term;
                listener.elected(term);
            });
            handOnIfStillQueued(term);
        }

        @Override
        public void onLeaderStop(Status status) {
            leaderTerm = 0;
            if (witness) return;
            events.execute(() -> listener.deposed("raft leadership lost: " + status));
        }
    }
}
