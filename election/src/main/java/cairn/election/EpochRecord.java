package cairn.election;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The content of {@code epoch/<20-digit epoch>}: who took the lead at that epoch. Layout (big-endian):
 * magic "CEPO", u16 format version, u64 epoch, u64 raft term, u64 created (ms since the Unix epoch),
 * u16 + UTF-8 node id, u16 + UTF-8 client address, u32 CRC32C of everything before it.
 */
public record EpochRecord(long epoch, String nodeId, String clientAddress, long raftTerm, long createdAtMs) {

    private static final int MAGIC = 0x4345504F; // "CEPO"
    private static final short VERSION = 1;
    private static final int NAME_BYTES_MAX = 1024;

    public byte[] encode() {
        byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
        byte[] addr = clientAddress.getBytes(StandardCharsets.UTF_8);
        if (node.length > NAME_BYTES_MAX || addr.length > NAME_BYTES_MAX) {
            throw new IllegalArgumentException("node id or address longer than " + NAME_BYTES_MAX + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(4 + 2 + 8 + 8 + 8 + 2 + node.length + 2 + addr.length + 4);
        b.putInt(MAGIC).putShort(VERSION).putLong(epoch).putLong(raftTerm).putLong(createdAtMs);
        b.putShort((short) node.length).put(node).putShort((short) addr.length).put(addr);
        b.putInt(crc(b.array(), b.position()));
        return b.array();
    }

    /** Parses an epoch object; {@code key} names it in the error when the bytes are damaged. */
    public static EpochRecord decode(String key, byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.getInt() != MAGIC) throw new IllegalStateException("bad magic");
            short version = b.getShort();
            if (version != VERSION) throw new IllegalStateException("unknown format version " + version);
            long epoch = b.getLong();
            long term = b.getLong();
            long created = b.getLong();
            String node = string(b);
            String addr = string(b);
            int expected = crc(bytes, b.position());
            if (b.getInt() != expected) throw new IllegalStateException("checksum mismatch");
            return new EpochRecord(epoch, node, addr, term, created);
        } catch (RuntimeException e) {
            throw new IllegalStateException("corrupt epoch object " + key + ": " + e.getMessage(), e);
        }
    }

    private static String string(ByteBuffer b) {
        int len = Short.toUnsignedInt(b.getShort());
        if (len > NAME_BYTES_MAX || len > b.remaining()) throw new IllegalStateException("bad string length " + len);
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, length);
        return (int) c.getValue();
    }
}
