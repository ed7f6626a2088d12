package cairn.engine.lsm.value;

import cairn.engine.lsm.codec.BinaryReader;
import cairn.engine.lsm.codec.BinaryWriter;

/**
 * Where a large value lives: bytes {@code [offset, offset + length)} of WAL object {@code walId} (a "segment"),
 * with the value's CRC32C so a ranged read is checked on its own. Encoded as the value of an
 * {@code Entry.Kind.POINTER} entry: walId u64, offset u32, length u32, crc32c u32 (20 bytes).
 */
public record ValuePointer(long walId, int offset, int length, int crc32c) {
    public static final int ENCODED_BYTES = 20;

    public byte[] encode() {
        return new BinaryWriter(ENCODED_BYTES).u64(walId).u32(offset).u32(length).u32(crc32c & 0xFFFFFFFFL).toByteArray();
    }

    public static ValuePointer decode(String where, byte[] b) {
        var r = new BinaryReader(where, b, 0, b.length);
        var p = new ValuePointer(r.u64(), (int) r.u32(), (int) r.u32(), (int) r.u32());
        if (r.hasRemaining() || p.offset < 0 || p.length < 0) throw r.corrupt("bad value pointer");
        return p;
    }

    public static int crc(byte[] b, int off, int len) {
        var c = new java.util.zip.CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
