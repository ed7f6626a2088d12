package cairn.server.node;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.ObjectStore;
import cairn.server.admin.AdminRouter;
import cairn.server.config.CairnConfig;
import cairn.server.config.ServersConfig;
import cairn.server.metrics.Metrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume of a node: object store, writer epoch, LSM, filesystem, and the protocol servers on top.
 * Opened in that order, closed in reverse.
 *
 * <p>Not wired yet (not on main): value encryption and compression (the key manager; values are stored
 * in plaintext until it lands, and the log says so) and {@code [ha]} (the node refuses to start with it).
 */
final class VolumeStage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VolumeStage.class);

    private final ObjectStore store;
    private final LsmDb db;
    private final CairnFileSystem fs;

    private VolumeStage(ObjectStore store, LsmDb db, CairnFileSystem fs) {
        this.store = store;
        this.db = db;
        this.fs = fs;
    }

    static VolumeStage open(CairnConfig config, boolean readOnly, String password, Metrics metrics, NodeStatus status) {
        if (config.ha().isPresent()) throw new NotAvailableException("[ha] (failover between nodes)");
        ObjectStore store = Stores.open(config, metrics.registry());
        LsmDb db = null;
        try {
            status.volume(store.describe());
            LsmOptions options = LsmOptions.defaults()
                    .withFlushIntervalMs(config.engine().flushIntervalMs())
                    .withMemtableBytesMax(config.engine().memtableBytes());
            if (readOnly) {
                db = LsmDb.openReader(store, options);
                status.leader(false, db.epoch());
            } else {
                long epoch = SingleNodeEpoch.claim(store, nodeId(), clientAddress(config));
                db = LsmDb.openWriter(store, options, epoch);
                status.leader(true, epoch);
            }
            log.warn("values are stored unencrypted and uncompressed: the key manager is not in this build yet");
            var fsOptions = FsOptions.defaults()
                    .withExtentBytes(config.filesystem().extentBytes())
                    .withMaxSizeBytes(config.filesystem().maxSizeBytes())
                    .withSyncMode(config.engine().sync());
            CairnFileSystem fs = CairnFileSystem.open(db, fsOptions, ValueTransform.IDENTITY);
            log.info("volume {} open {} at epoch {}", fs.volumeId(), readOnly ? "read-only" : "as writer", db.epoch());
            registerMeters(metrics, db, fs);
            return new VolumeStage(store, db, fs);
        } catch (RuntimeException e) {
            if (db != null) db.close();
            store.close();
            throw e;
        }
    }

    private static void registerMeters(Metrics metrics, LsmDb db, FileSystem fs) {
        FunctionCounter.builder("cairn.lsm.wal.written.bytes", db, LsmDb::walBytesWritten)
                .description("Bytes of WAL objects written by this node").register(metrics.registry());
        Gauge.builder("cairn.fs.used.bytes", fs, f -> f.statfs().totalBytes() - f.statfs().freeBytes())
                .description("Bytes used by files (what the quota counts)").register(metrics.registry());
    }

    LsmDb db() {
        return db;
    }

    FileSystem fileSystem() {
        return fs;
    }

    /** Starts the configured protocol servers on this volume's filesystem. */
    ProtocolServers startServers(ServersConfig servers, boolean readOnly, NodeStatus status) throws IOException {
        return ProtocolServers.start(servers, fs, readOnly, status);
    }

    private static String nodeId() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "cairn";
        }
    }

    private static String clientAddress(CairnConfig config) {
        return config.servers().nfs().flatMap(l -> l.addresses().stream().findFirst()).map(Object::toString).orElse("");
    }

    /** Filesystem first (final barrier), then the engine, then the store. */
    @Override
    public void close() {
        try {
            fs.close();
        } finally {
            try {
                db.close();
            } finally {
                store.close();
            }
        }
    }
}
