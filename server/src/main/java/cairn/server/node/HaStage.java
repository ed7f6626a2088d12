package cairn.server.node;

import cairn.election.Elector;
import cairn.election.EpochLedger;
import cairn.election.HaVolume;
import cairn.election.HookRunner;
import cairn.election.LeaseElector;
import cairn.election.RaftElector;
import cairn.election.RaftPeer;
import cairn.election.RoleController;
import cairn.election.RoleStatus;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.ValueTransform;
import cairn.engine.store.ObjectStore;
import cairn.server.config.CairnConfig;
import cairn.server.config.HaConfig;
import cairn.server.metrics.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of an HA cluster ({@code [ha]}): a warm standby that tails the bucket until the elector picks it,
 * then claims the next epoch, opens the engine as writer and starts the protocol servers; it stops them at
 * once when it is deposed or fenced. See {@link RoleController} for the invariants.
 */
final class HaStage implements AutoCloseable {

    private final ObjectStore store;
    private final HaVolume volume;
    private final Elector elector;
    private final RoleController controller;

    private HaStage(ObjectStore store, HaVolume volume, Elector elector, RoleController controller) {
        this.store = store;
        this.volume = volume;
        this.elector = elector;
        this.controller = controller;
    }

    static HaStage start(CairnConfig config, Metrics metrics, NodeStatus status) {
        HaConfig ha = config.ha().orElseThrow();
        ObjectStore store = Stores.open(config, metrics.registry());
        status.volume(store.describe());
        var serving = new Serving(config, status);
        var volume = new HaVolume(store, VolumeStage.lsmOptions(config), VolumeStage.fsOptions(config),
                ValueTransform.IDENTITY, serving, metrics.registry());
        Elector elector = switch (ha.mode()) {
            case RAFT -> raft(config, ha);
            case LEASE -> new LeaseElector(store, ha.nodeId(), ha.leaseMs(), ha.graceMs(), System::nanoTime);
        };
        var hooks = new HookRunner(ha.onPromote().orElse(null), ha.onDemote().orElse(null), Duration.ofSeconds(30));
        var controller = new RoleController(ha.nodeId(), VolumeStage.clientAddress(config), new EpochLedger(store),
                elector, volume, hooks, Duration.ofMillis(ha.pollIntervalMs()), metrics.registry());
        try {
            volume.startStandby();
            status.leader(false, -1);
            controller.start();
        } catch (RuntimeException e) {
            controller.close();
            store.close();
            throw e;
        }
        return new HaStage(store, volume, elector, controller);
    }

    private static RaftElector raft(CairnConfig config, HaConfig ha) {
        List<RaftPeer> peers = ha.peers().stream()
                .map(p -> new RaftPeer(p.nodeId(), p.raftAddress().toString(), "")).toList();
        RaftPeer self = peers.stream().filter(p -> p.raftAddress().equals(ha.raftAddress().orElseThrow().toString()))
                .findFirst().orElseThrow();
        Path dir = config.cache().dir().resolve("raft");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return new RaftElector(self, peers, dir, (int) ha.electionTimeoutMs(), false);
    }

    /** Planned failover: hand leadership to {@code nodeId} (raft) or release the lease (lease mode). */
    String failover(String nodeId) {
        if (elector instanceof RaftElector raft && nodeId != null) {
            return raft.transferTo(nodeId) ? "leadership handed to " + nodeId : "this node is not the raft leader";
        }
        controller.stepDown();
        return "stepping down";
    }

    Map<String, Object> statusMap() {
        RoleStatus s = controller.status();
        var lag = volume.lag();
        var map = new LinkedHashMap<String, Object>();
        map.put("node_id", s.nodeId());
        map.put("role", s.role().name());
        map.put("own_epoch", s.ownEpoch());
        map.put("latest_epoch", s.latestEpoch());
        map.put("leader_node", s.leaderNodeId());
        map.put("leader_address", s.leaderClientAddress());
        map.put("term", s.term());
        map.put("elector", s.elector());
        map.put("lag_wal_objects", lag.walObjectsBehind());
        map.put("lag_ms", lag.msBehind());
        return map;
    }

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

    /** Starts the protocol servers on the writer's filesystem; stops them (closing connections) on demotion. */
    private static final class Serving implements HaVolume.Serving {
        private final CairnConfig config;
        private final NodeStatus status;
        private ProtocolServers servers;

        Serving(CairnConfig config, NodeStatus status) {
            this.config = config;
            this.status = status;
        }

        @Override
        public synchronized void start(FileSystem fs) throws IOException {
            servers = ProtocolServers.start(config.servers(), fs, false, status);
            status.leader(true, fs.writeVerifier());
        }

        @Override
        public synchronized void stop() {
            status.leader(false, status.epoch());
            if (servers != null) {
                servers.close();
                servers = null;
            }
            status.clearListeners("nfs", "9p", "nbd");
        }
    }
}
