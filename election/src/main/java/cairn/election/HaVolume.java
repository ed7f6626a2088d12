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
    private LsmDb reader;
    private LsmDb writer;
    private CairnFileSystem fs;

    public HaVolume(ObjectStore store, LsmOptions lsmOptions, FsOptions fsOptions, ValueTransform codec,
                    Serving serving, MeterRegistry metrics) {
        this.store = store;
        this.lsmOptions = lsmOptions;
        this.fsOptions = fsOptions;
        this.codec = codec;
        this.serving = serving;
        Gauge.builder("cairn.standby.lag.seconds", this, v -> v.lag().msBehind() / 1000.0)
                .description("How far this standby's view is behind the writer (0 on the leader)").register(metrics);
        Gauge.builder("cairn.standby.lag.wal.objects", this, v -> v.lag().walObjectsBehind())
                .description("WAL objects the standby has not applied yet").register(metrics);
    }

    /** Starts tailing the bucket as a warm standby. */
    public synchronized void startStandby() {
        if (reader == null && writer == null) reader = LsmDb.openReader(store, lsmOptions);
    }

    @Override
    public synchronized void promote(EpochRecord epoch) throws Exception {
        LsmDb w = reader != null ? reader.promote(epoch.epoch()) : LsmDb.openWriter(store, lsmOptions, epoch.epoch());
        reader = null;
        try {
            fs = CairnFileSystem.open(w, fsOptions, codec);
            writer = w;
            serving.start(fs);
        } catch (Exception e) {
            closeWriter();
            throw e;
        }
        log.info("volume {} open as writer at epoch {}", fs.volumeId(), epoch.epoch());
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

    /** The filesystem while this node leads. */
    public synchronized Optional<FileSystem> fileSystem() {
        return Optional.ofNullable(fs);
    }

    public synchronized LsmDb.Lag lag() {
        return reader == null ? new LsmDb.Lag(0, 0) : reader.lagBehindWriter();
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
