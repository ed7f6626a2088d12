package cairn.engine.lsm.codec;

import java.util.zip.CRC32C;

/**
 * The 24-byte header every engine object (WAL object, repacked segment, manifest, GC boundary, reader lease)
 * starts with:
 *
 * <pre>
 *  0  magic           u32   one per object type
 *  4  format version  u16
 *  6  flags           u16   zero
 *  8  writer epoch    u64
 * 16  payload length  u32
 * 20  crc32c          u32   over bytes [0, 20) and the payload
 * 24  payload
 * </pre>
 *
 * The checksum is computed when the frame is sealed and verified again right before the bytes leave
 * ({@link #verify}) and right after they are read back ({@link #decode}).
 */
public final class ObjectFrame {
    public static final int HEADER_BYTES = 24;
    public static final int VERSION = 1;

    public static final int MAGIC_WAL = 0x4357414C; // "CWAL"
    public static final int MAGIC_MANIFEST = 0x434D414E; // "CMAN"
    public static final int MAGIC_GC_BOUNDARY = 0x43474342; // "CGCB"
    public static final int MAGIC_LEASE = 0x434C5345; // "CLSE"
    public static final int MAGIC_SEGMENT = 0x43534547; // "CSEG"

    /** A decoded frame: the payload is {@code bytes[HEADER_BYTES, HEADER_BYTES + payloadLength)}. */
    public record Frame(int magic, long epoch, byte[] bytes, int payloadLength) {
        public BinaryReader payload(String objectKey) {
            return new BinaryReader(objectKey, bytes, HEADER_BYTES, HEADER_BYTES + payloadLength);
        }
    }

    private ObjectFrame() {}

    /** Fills the header reserved at the start of {@code buf} (payload already in place) and returns the object. */
    public static byte[] seal(int magic, long epoch, byte[] buf, int totalLength) {
        if (totalLength < HEADER_BYTES) throw new IllegalArgumentException("no room for the header");
        BinaryWriter.putU32(buf, 0, magic);
        buf[4] = (byte) (VERSION >>> 8);
        buf[5] = (byte) VERSION;
        buf[6] = 0;
        buf[7] = 0;
        BinaryWriter.putU64(buf, 8, epoch);
        BinaryWriter.putU32(buf, 16, totalLength - HEADER_BYTES);
        BinaryWriter.putU32(buf, 20, crc(buf, totalLength));
        byte[] out = buf.length == totalLength ? buf : java.util.Arrays.copyOf(buf, totalLength);
        return out;
    }

    /** Encodes a header plus {@code payload}. */
    public static byte[] encode(int magic, long epoch, byte[] payload) {
        byte[] buf = new byte[HEADER_BYTES + payload.length];
        System.arraycopy(payload, 0, buf, HEADER_BYTES, payload.length);
        return seal(magic, epoch, buf, buf.length);
    }

    /** Checks an encoded object right before it is written: the pair of {@link #decode} on the way out. */
    public static void verify(String objectKey, byte[] bytes, int magic, long epoch) {
        Frame f = decode(objectKey, bytes, magic);
        if (f.epoch() != epoch) throw new IllegalStateException(objectKey + ": about to write epoch " + f.epoch() + ", own epoch " + epoch);
    }

    /** Decodes and checks magic, version, length and checksum; throws {@link CorruptObjectException} naming the key. */
    public static Frame decode(String objectKey, byte[] bytes, int expectedMagic) {
        if (bytes.length < HEADER_BYTES) throw new CorruptObjectException(objectKey, "only " + bytes.length + " bytes, header needs " + HEADER_BYTES);
        int magic = (int) BinaryReader.getU32(bytes, 0);
        if (magic != expectedMagic) {
            throw new CorruptObjectException(objectKey, String.format("bad magic 0x%08x, expected 0x%08x", magic, expectedMagic));
        }
        int version = ((bytes[4] & 0xFF) << 8) | (bytes[5] & 0xFF);
        if (version != VERSION) throw new CorruptObjectException(objectKey, "unsupported format version " + version);
        long epoch = (BinaryReader.getU32(bytes, 8) << 32) | BinaryReader.getU32(bytes, 12);
        long payloadLength = BinaryReader.getU32(bytes, 16);
        if (payloadLength != bytes.length - HEADER_BYTES) {
            throw new CorruptObjectException(objectKey, "payload length " + payloadLength + " but object has " + (bytes.length - HEADER_BYTES));
        }
        long stored = BinaryReader.getU32(bytes, 20);
        long actual = crc(bytes, bytes.length);
        if (stored != actual) throw new CorruptObjectException(objectKey, String.format("checksum 0x%08x, computed 0x%08x", stored, actual));
        return new Frame(magic, epoch, bytes, (int) payloadLength);
    }

    /** The writer epoch of an encoded object, after full verification. */
    public static long epochOf(String objectKey, byte[] bytes, int expectedMagic) {
        return decode(objectKey, bytes, expectedMagic).epoch();
    }

    private static long crc(byte[] buf, int totalLength) {
        CRC32C c = new CRC32C();
        c.update(buf, 0, 20);
        c.update(buf, HEADER_BYTES, totalLength - HEADER_BYTES);
        return c.getValue();
    }
}
