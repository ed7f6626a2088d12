package cairn.server.node;

import cairn.engine.store.ObjectStore;
import cairn.server.admin.AdminRouter;
import cairn.server.config.CairnConfig;
import cairn.server.config.ServersConfig;
import cairn.server.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume of a node: object store, key manager, LSM, filesystem, and the protocol servers on top.
 *
 * <p>Wired so far: the object store (opened, and for S3 checked for conditional writes). Not wired yet: the
 * LSM, filesystem and protocol servers, which are being built on other branches. Until they land the node
 * serves health and metrics only, {@code /health/ready} answers 503 with the reason, and the admin commands
 * that need the volume answer NOT_AVAILABLE.
 */
final class VolumeStage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VolumeStage.class);
    static final String UNAVAILABLE = "the storage engine is not available yet in this build";

    /** A started server: its name for the logs and what closes it. */
    record Server(String name, AutoCloseable resource) {}

    private final ObjectStore store;

    private VolumeStage(ObjectStore store) {
        this.store = store;
    }

    static VolumeStage open(CairnConfig config, boolean readOnly, String password, Metrics metrics, NodeStatus status,
            AdminRouter admin) {
        ObjectStore store = Stores.open(config, metrics.registry());
        status.volume(store.describe());
        log.info("object store {} open", store.describe());
        status.phase(NodeStatus.Phase.STARTING, UNAVAILABLE);
        log.warn("{}: the volume in {} is not opened; serving health and metrics only", UNAVAILABLE, store.describe());
        return new VolumeStage(store);
    }

    boolean serving() {
        return false;
    }

    List<Server> startServers(ServersConfig servers, NodeStatus status) {
        var names = new ArrayList<String>();
        servers.nfs().ifPresent(l -> names.add("NFS"));
        servers.ninep().ifPresent(l -> names.add("9P"));
        servers.nbd().ifPresent(l -> names.add("NBD"));
        if (!names.isEmpty()) log.warn("not starting {}: {}", names, UNAVAILABLE);
        return List.of();
    }

    @Override
    public void close() {
        store.close();
    }
}
