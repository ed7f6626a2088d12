package cairn.engine.lsm.sst;

import java.util.zip.CRC32C;

/**
 * The framing of every block inside an SST: {@code codec u8 | rawLength u32 | body | crc32c u32}, the CRC
 * covering codec, length and body (the stored bytes). A block that does not get smaller under its codec is
 * stored with {@link Codec#NONE}.
 */
final class StoredBlock {
    static final int OVERHEAD_BYTES = 1 + 4 + 4;

    private StoredBlock() {}

    /** Appends the framed block to {@code out}; returns the number of bytes appended. */
    static int append(ByteSink out, byte[] raw, int rawLength, Codec codec, int zstdLevel) {
        byte[] body = codec == Codec.NONE ? null : codec.compress(raw, 0, rawLength, zstdLevel);
        Codec used = codec;
        if (body == null || body.length >= rawLength) {
            used = Codec.NONE;
            body = null;
        }
        int start = out.size();
        out.put(used.code).putInt(rawLength);
        if (body == null) out.put(raw, 0, rawLength);
        else out.put(body);
        out.putInt(crc(out.array(), start, out.size() - start));
        return out.size() - start;
    }

    /**
     * Verifies and decodes a framed block occupying all of {@code stored[off, off+len)}. The raw length must not
     * exceed {@code maxRawBytes}.
     */
    static byte[] decode(byte[] stored, int off, int len, int maxRawBytes, String objectKey) {
        if (len < OVERHEAD_BYTES) throw new CorruptObjectException(objectKey, "block of " + len + " bytes is too short");
        int crcPos = off + len - 4;
        var src = new ByteSource(stored, crcPos, off + len, objectKey);
        int expected = src.getInt();
        int actual = crc(stored, off, len - 4);
        if (expected != actual) {
            throw new CorruptObjectException(objectKey, "block checksum mismatch (" + len + " bytes)");
        }
        Codec codec = Codec.of(stored[off], objectKey);
        int rawLength = new ByteSource(stored, off + 1, off + 5, objectKey).getInt();
        if (rawLength < 0 || rawLength > maxRawBytes) {
            throw new CorruptObjectException(objectKey, "block raw length " + rawLength + " above " + maxRawBytes);
        }
        return codec.decompress(stored, off + 5, len - OVERHEAD_BYTES, rawLength, objectKey);
    }

    static int crc(byte[] b, int off, int len) {
        var crc = new CRC32C();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }
}
