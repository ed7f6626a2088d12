package cairn.server.node;

import cairn.engine.lsm.cache.DiskRangeCache;
import cairn.election.Elector;
import cairn.election.EpochLedger;
import cairn.election.HaVolume;
import cairn.election.HookRunner;
import cairn.election.LeaseElector;
import cairn.election.RaftElector;
import cairn.election.RaftPeer;
import cairn.election.RoleController;
import cairn.election.RoleStatus;
import cairn.election.peer.PeerTls;
import cairn.engine.fs.FileSystem;
import cairn.engine.crypto.Secret;
import cairn.engine.crypto.ValueCodec;
import cairn.engine.store.ObjectStore;
import cairn.protocols.nbd.NbdExports;
import cairn.server.config.CairnConfig;
import cairn.server.config.HaConfig;
import cairn.server.config.HostPort;
import cairn.server.metrics.Metrics;
import io.micrometer.core.instrument.FunctionCounter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node with {@code [ha]}: a warm standby tailing the bucket that becomes the writer when the election
 * picks it and it wins the epoch claim (the election module's {@link RoleController} and {@link HaVolume}).
 * While it leads, the protocol servers run on its filesystem; on demotion they stop at once.
 */
final class HaStage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HaStage.class);
    private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> PROTOCOLS = List.of("nfs", "9p", "nbd");

    private final ObjectStore store;
    private final HaVolume volume;
    private final Elector elector;
    private final RoleController controller;
    private volatile ProtocolServers servers;

    private HaStage(CairnConfig config, HaConfig ha, Optional<PeerTls> peerTls, Optional<NbdTls> nbdTls, ObjectStore store,
                    ValueCodec codec, Metrics metrics, NodeStatus status, DiskRangeCache diskCache) {
        this.store = store;
        String clientAddress = VolumeStage.clientAddress(config);
        this.volume = new HaVolume(store, VolumeStage.lsmOptions(config, metrics, diskCache), VolumeStage.fsOptions(config),
                codec, new Serving(config, nbdTls, status), metrics.registry());
        this.elector = elector(config, ha, peerTls, store, clientAddress);
        peerTls.ifPresent(tls -> FunctionCounter.builder("cairn.ha.peer.refused.connections", tls, PeerTls::refusedConnections)
                .description("raft peer connections refused: failed TLS handshakes (CA, node id, CRL), either side, the"
                        + " pending-handshake cap, and open connections cut when a changed CRL revokes the peer")
                .register(metrics.registry()));
        this.controller = new RoleController(ha.nodeId(), clientAddress, new EpochLedger(store), elector, volume,
                new HookRunner(ha.onPromote().orElse(null), ha.onDemote().orElse(null), HOOK_TIMEOUT),
                Duration.ofMillis(ha.pollIntervalMs()), Duration.ofMillis(ha.storeTimeoutMs()), metrics.registry());
    }

    /** {@code diskCache}: the node's disk cache (null: none), used by the standby and the leader it becomes. */
    static HaStage start(CairnConfig config, HaConfig ha, Optional<NbdTls> nbdTls, Secret secret, Metrics metrics,
            NodeStatus status, DiskRangeCache diskCache) {
        Optional<PeerTls> peerTls = HaPeerTls.load(config.source(), ha);
        ObjectStore store = Stores.open(config, metrics.registry());
        try {
            status.volume(store.describe());
            ValueCodec codec = VolumeKeys.codec(store, secret, config, true);
            var stage = new HaStage(config, ha, peerTls, nbdTls, store, codec, metrics, status, diskCache);
            stage.volume.startStandby();
            stage.controller.start();
            log.info("HA node {} ({} election) started as standby on {}", ha.nodeId(),
                    ha.mode().name().toLowerCase(java.util.Locale.ROOT), store.describe());
            return stage;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static Elector elector(CairnConfig config, HaConfig ha, Optional<PeerTls> peerTls, ObjectStore store,
                                   String clientAddress) {
        return switch (ha.mode()) {
            case LEASE -> new LeaseElector(store, ha.nodeId(), ha.leaseMs(), ha.graceMs(), System::nanoTime);
            case RAFT -> {
                HostPort self = ha.raftAddress().orElseThrow();
                List<RaftPeer> peers = ha.peers().stream()
                        .map(p -> new RaftPeer(p.nodeId(), p.raftAddress().toString(),
                                p.raftAddress().equals(self) ? clientAddress : ""))
                        .toList();
                var selfPeer = peers.stream().filter(p -> p.raftAddress().equals(self.toString())).findFirst().orElseThrow();
                yield new RaftElector(selfPeer, peers, config.cache().dir().resolve("raft"), (int) ha.electionTimeoutMs(),
                        false, peerTls);
            }
        };
    }


    RoleStatus roleStatus() {
        return controller.status();
    }

    /** This node's role now (cheap: no bucket read; every log line asks). */
    String role() {
        return controller.role().name();
    }

    /** Planned failover: hand leadership to {@code nodeId} (raft), or step down and let the election pick. */
    String failover(String nodeId) {
        if (elector instanceof RaftElector raft && nodeId != null) {
            return raft.transferTo(nodeId) ? "leadership handed to " + nodeId : "this node is not the raft leader";
        }
        controller.stepDown();
        return "stepping down";
    }

    /** How far this node's view is behind the writer (zero on the leader). */
    cairn.engine.lsm.LsmDb.Lag lag() {
        return volume.lag();
    }

    Optional<FileSystem> fileSystem() {
        return volume.fileSystem();
    }

    /** The writer while this node leads, the standby's reader otherwise (checkpoint admin). */
    Optional<cairn.engine.lsm.LsmDb> db() {
        return volume.db();
    }

    /** Why this node cannot write now, and who can: for admin commands that need the writer. */
    String notLeader() {
        RoleStatus s = controller.status();
        return "this node (" + s.nodeId() + ") is " + s.role().name().toLowerCase(java.util.Locale.ROOT)
                + "; run the command on the leader" + (s.leaderNodeId() == null ? ""
                : " (node " + s.leaderNodeId() + " at " + s.leaderClientAddress() + ", epoch " + s.latestEpoch() + ")");
    }

    NbdExports nbdExports() {
        ProtocolServers current = servers;
        return current == null ? new NbdExports() : current.nbdExports();
    }

    /** Starts the protocol servers when this node is promoted; stops them when it is demoted. */
    private final class Serving implements HaVolume.Serving {
        private final CairnConfig config;
        private final Optional<NbdTls> nbdTls;
        private final NodeStatus status;

        Serving(CairnConfig config, Optional<NbdTls> nbdTls, NodeStatus status) {
            this.config = config;
            this.nbdTls = nbdTls;
            this.status = status;
        }

        @Override
        public void start(FileSystem fs) throws Exception {
            servers = ProtocolServers.start(config.servers(), nbdTls, fs, false, status);
            status.leader(true, fs.writeVerifier());
        }

        @Override
        public void stop() {
            status.leader(false, status.epoch());
            ProtocolServers current = servers;
            servers = null;
            if (current != null) current.close();
            PROTOCOLS.forEach(status::removeListeners);
        }
    }

    /** Leaves the leadership (demote hook runs), closes the volume, then the store. */
    @Override
    public void close() {
        try {
            controller.close();
        } finally {
            try {
                volume.close();
            } finally {
                store.close();
            }
        }
    }
}
