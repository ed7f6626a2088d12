package cairn.engine.fs.schema;

import java.nio.ByteBuffer;
import java.util.UUID;

/** The volume's identity and fixed geometry, written once at format (system key FORMAT). */
public record FormatRecord(int version, UUID volumeId, int extentBytes) {
    public static final int CURRENT = 1;
    private static final int BYTES = 4 + 16 + 4;

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putInt(version).putLong(volumeId.getMostSignificantBits())
                .putLong(volumeId.getLeastSignificantBits()).putInt(extentBytes).array();
    }

    public static FormatRecord decode(byte[] v) {
        if (v.length != BYTES) throw new IllegalStateException("corrupt format record: " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v);
        int version = b.getInt();
        if (version != CURRENT) throw new IllegalStateException("unsupported filesystem format version " + version);
        return new FormatRecord(version, new UUID(b.getLong(), b.getLong()), b.getInt());
    }
}
