package cairn.engine.lsm.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bounds-checked big-endian decoding of an object's bytes. Every length read from the data is checked against
 * the bytes that remain before anything is allocated, so a hostile or corrupt object yields a
 * {@link CorruptObjectException} naming the object, never a huge allocation.
 */
public final class BinaryReader {
    private final String objectKey;
    private final byte[] buf;
    private int pos;
    private final int end;

    public BinaryReader(String objectKey, byte[] buf, int offset, int end) {
        this.objectKey = objectKey;
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    public int position() {
        return pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public int remaining() {
        return end - pos;
    }

    public int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u16() {
        need(2);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public long u32() {
        need(4);
        long v = getU32(buf, pos);
        pos += 4;
        return v;
    }

    public long u64() {
        need(8);
        long v = (getU32(buf, pos) << 32) | getU32(buf, pos + 4);
        pos += 8;
        return v;
    }

    public byte[] bytes(int n) {
        if (n < 0) throw corrupt("negative length " + n);
        need(n);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    public byte[] lengthPrefixed() {
        return bytes(length());
    }

    /** A u32 length that must fit in the remaining bytes. */
    public int length() {
        long n = u32();
        if (n > remaining()) throw corrupt("length " + n + " exceeds the " + remaining() + " bytes left");
        return (int) n;
    }

    /** A u32 element count; each element takes at least {@code minElementBytes}, so the count is bounded. */
    public int count(int minElementBytes) {
        long n = u32();
        if (n * Math.max(1, minElementBytes) > remaining()) throw corrupt("count " + n + " exceeds the object");
        return (int) n;
    }

    public String string() {
        return new String(bytes(u16()), StandardCharsets.UTF_8);
    }

    public CorruptObjectException corrupt(String detail) {
        return new CorruptObjectException(objectKey, detail + " (at byte " + pos + ")");
    }

    private void need(int n) {
        if (n > end - pos) throw corrupt("truncated: need " + n + " bytes, " + (end - pos) + " left");
    }

    static long getU32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
