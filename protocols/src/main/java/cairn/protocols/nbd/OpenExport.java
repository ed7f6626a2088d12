package cairn.protocols.nbd;

import cairn.engine.fs.FileSystem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's hold on a device: the inode stays open and the export counts as in use until {@link #close}.
 * {@code sizeBytes} is the size advertised at the handshake, rounded down to the 512-byte minimum block.
 */
public final class OpenExport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenExport.class);
    private final FileSystem fs;
    private final NbdExports exports;
    private final String name;
    private final long ino;
    private final long sizeBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    OpenExport(FileSystem fs, NbdExports exports, String name, long ino, long fileSizeBytes) {
        this.fs = fs;
        this.exports = exports;
        this.name = name;
        this.ino = ino;
        this.sizeBytes = fileSizeBytes - fileSizeBytes % NbdProtocol.BLOCK_SIZE_MIN;
    }

    public String name() {
        return name;
    }

    public long ino() {
        return ino;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        exports.release(name);
        try {
            fs.release(ino);
        } catch (RuntimeException e) {
            log.warn("releasing NBD export {} (inode {}) failed", name, ino, e); // e.g. the volume already closed
        }
    }
}
