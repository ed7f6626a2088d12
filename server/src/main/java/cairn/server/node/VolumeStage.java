package cairn.server.node;

import cairn.engine.crypto.Secret;
import cairn.engine.crypto.ValueCodec;
import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsOptions;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume of a single node: object store, data key, writer epoch, LSM, filesystem, and the protocol
 * servers on top. Opened in that order, closed in reverse.
 *
 * <p>A node with {@code [ha]} uses {@link HaStage} instead (unless it runs read-only).
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

    static VolumeStage open(CairnConfig config, boolean readOnly, Secret secret, Metrics metrics, NodeStatus status) {
        ObjectStore store = Stores.open(config, metrics.registry());
        LsmDb db = null;
        try {
            status.volume(store.describe());
            // Keys first: a wrong password stops here, before an epoch is claimed or anything else is written.
            ValueCodec codec = VolumeKeys.codec(store, secret, config, !readOnly);
            LsmOptions options = lsmOptions(config, metrics);
            if (readOnly) {
                db = LsmDb.openReader(store, options);
                status.leader(false, db.epoch());
            } else {
                long epoch = SingleNodeEpoch.claim(store, nodeId(), clientAddress(config));
                db = LsmDb.openWriter(store, options, epoch);
                status.leader(true, epoch);
            }
            CairnFileSystem fs = CairnFileSystem.open(db, fsOptions(config), codec);
            log.info("volume {} open {} at epoch {}", fs.volumeId(), readOnly ? "read-only" : "as writer", db.epoch());
            registerMeters(metrics, db, fs);
            return new VolumeStage(store, db, fs);
        } catch (RuntimeException e) {
            if (db != null) db.close();
            store.close();
            throw e;
        }
    }

    static LsmOptions lsmOptions(CairnConfig config, Metrics metrics) {
        var options = LsmOptions.defaults()
                .withFlushIntervalMs(config.engine().flushIntervalMs())
                .withMemtableBytesMax(config.engine().memtableBytes())
                .withMemoryBudget(config.cache().memoryBytes())
                .withMetrics(metrics.registry());
        return config.ha().map(ha -> options.withPollIntervalMs(ha.pollIntervalMs())).orElse(options);
    }

    static FsOptions fsOptions(CairnConfig config) {
        return FsOptions.defaults()
                .withExtentBytes(config.filesystem().extentBytes())
                .withMaxSizeBytes(config.filesystem().maxSizeBytes())
                .withSyncMode(config.engine().sync());
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
    ProtocolServers startServers(ServersConfig servers, Optional<NbdTls> nbdTls, boolean readOnly, NodeStatus status)
            throws IOException {
        return ProtocolServers.start(servers, nbdTls, fs, readOnly, status);
    }

    private static String nodeId() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "cairn";
        }
    }

    static String clientAddress(CairnConfig config) {
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
