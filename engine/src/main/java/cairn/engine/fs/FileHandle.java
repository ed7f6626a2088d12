package cairn.engine.fs;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * An opaque, stable name for an inode: volume, inode id and generation. Inode ids are never reused, and the
 * generation guards against any aliasing a handle from before a crash could cause.
 */
public record FileHandle(UUID volume, long ino, long generation) {
    public static final int BYTES = 32;

    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES)
                .putLong(volume.getMostSignificantBits()).putLong(volume.getLeastSignificantBits())
                .putLong(ino).putLong(generation).array();
    }

    /** Parses {@link #toBytes()}; a wrong length is {@code ESTALE} (handles come from clients). */
    public static FileHandle fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) throw new FsException(Errno.ESTALE, "file handle has " + bytes.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new FileHandle(new UUID(b.getLong(), b.getLong()), b.getLong(), b.getLong());
    }
}
