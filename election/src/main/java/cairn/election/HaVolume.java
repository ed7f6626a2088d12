package cairn.election;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.ObjectStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume as the node's role requires it: on a standby, a reader that tails manifest and WAL (a warm view,
 * so promotion replays only the delta); on the leader, the writer at the claimed epoch with the filesystem and
 * the protocol servers on top. Role changes come from {@link RoleController}.
 */
public final class HaVolume implements RoleActions, AutoCloseable {

    /** What serves clients on top of the filesystem: the protocol servers. */
    public interface Serving {
        void start(FileSystem fs) throws Exception;

        /** Stops answering at once and closes client connections. */
        void stop();
    }

    private static final Logger log = LoggerFactory.getLogger(HaVolume.class);

    private final ObjectStore store;
    private final LsmOptions lsmOptions;
    private final FsOptions fsOptions;
    private final ValueTransform codec;
    private final Serving serving;
    private final Timer fenceTimer;
    private final Timer filesystemTimer;
    private final Timer serveTimer;
    // volatile: status and metrics read them without waiting for a role change stuck on an unreachable store
    private volatile LsmDb reader;
    private volatile LsmDb writer;
    private volatile CairnFileSystem fs;

    public HaVolume(ObjectStore store, LsmOptions lsmOptions, FsOptions fsOptions, ValueTransform codec,
                    Serving serving, MeterRegistry metrics) {
        this.store = store;
        this.lsmOptions = lsmOptions;
        this.fsOptions = fsOptions;
        this.codec = codec;
        this.serving = serving;
        fenceTimer = metrics.timer("cairn.ha.failover.phase", "phase", "fence");
        filesystemTimer = metrics.timer("cairn.ha.failover.phase", "phase", "filesystem");
        serveTimer = metrics.timer("cairn.ha.failover.phase", "phase", "serve");
        Gauge.builder("cairn.standby.lag.seconds", this, v -> v.lag().msBehind() / 1000.0)
                .description("How far this standby's view is behind the writer (0 on the leader)").register(metrics);
        Gauge.builder("cairn.standby.lag.wal.objects", this, v -> v.lag().walObjectsBehind())
                .description("WAL objects the standby has not applied yet").register(metrics);
    }

    /** Starts tailing the bucket as a warm standby. */
    public synchronized void startStandby() {
        if (reader == null && writer == null) reader = LsmDb.openReader(store, lsmOptions);
    }

    /**
     * Fences and replays (a warm reader replays only what it had not applied yet), opens the filesystem, starts
     * serving. Each step is timed ({@code cairn_ha_failover_phase_seconds{phase="fence|filesystem|serve"}}).
     */
    @Override
    public synchronized void promote(EpochRecord epoch) throws Exception {
        long t0 = System.nanoTime();
        LsmDb standby = reader;
        LsmDb w = standby != null ? standby.promote(epoch.epoch()) : LsmDb.openWriter(store, lsmOptions, epoch.epoch());
        reader = null;
        long t1 = System.nanoTime();
        long t2 = t1;
        try {
            writer = w;
            fs = CairnFileSystem.open(w, fsOptions, codec);
            t2 = System.nanoTime();
            serving.start(fs);
        } catch (Exception e) {
            closeWriter();
            throw e;
        }
        long t3 = System.nanoTime();
        fenceTimer.record(Duration.ofNanos(t1 - t0));
        filesystemTimer.record(Duration.ofNanos(t2 - t1));
        serveTimer.record(Duration.ofNanos(t3 - t2));
        log.info("volume {} open as writer at epoch {} in {} ms ({}: fence+replay {} ms, filesystem {} ms, serve {} ms)",
                fs.volumeId(), epoch.epoch(), (t3 - t0) / 1_000_000, standby != null ? "warm standby" : "cold open",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
    }

    @Override
    public synchronized void demote(String reason) {
        serving.stop();
        closeWriter();
        try {
            startStandby();
        } catch (RuntimeException e) {
            // The store may be unreachable (that may be why we were deposed); promotion opens a fresh writer.
            log.warn("cannot reopen as standby now: {}", e.getMessage());
        }
    }

    /** The engine in this node's role: the writer while it leads, the standby's reader otherwise. */
    public Optional<LsmDb> db() {
        LsmDb w = writer;
        return Optional.ofNullable(w != null ? w : reader);
    }

    /** The filesystem while this node leads. */
    public Optional<FileSystem> fileSystem() {
        return Optional.ofNullable(fs);
    }

    public LsmDb.Lag lag() {
        LsmDb r = reader;
        return r == null ? new LsmDb.Lag(0, 0) : r.lagBehindWriter();
    }

    private void closeWriter() {
        // A fenced writer fails its final barrier; closing must still release everything.
        if (fs != null) {
            try {
                fs.close();
            } catch (RuntimeException e) {
                log.warn("closing the filesystem: {}", e.getMessage());
            }
            fs = null;
        }
        if (writer != null) {
            try {
                writer.close();
            } catch (RuntimeException e) {
                log.warn("closing the writer: {}", e.getMessage());
            }
            writer = null;
        }
    }

    @Override
    public synchronized void close() {
        serving.stop();
        closeWriter();
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
