package cairn.engine.lsm.sst;

/**
 * A bounds-checked little-endian reader over untrusted bytes. Every read that would run past the end, and
 * every length above the caller's limit, throws {@link CorruptObjectException} naming the object: decoding a
 * hostile object can never index out of range or allocate more than the caller allowed.
 */
public final class ByteSource {
    private final byte[] buf;
    private final int end;
    private final String objectKey;
    private int pos;

    public ByteSource(byte[] buf, int from, int to, String objectKey) {
        if (from < 0 || to > buf.length || from > to) throw new IllegalArgumentException("bad range");
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.objectKey = objectKey;
    }

    public ByteSource(byte[] buf, String objectKey) {
        this(buf, 0, buf.length, objectKey);
    }

    public int position() {
        return pos;
    }

    public void position(int p) {
        if (p < 0 || p > end) throw corrupt("position " + p + " outside " + end);
        pos = p;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public CorruptObjectException corrupt(String problem) {
        return new CorruptObjectException(objectKey, problem);
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) throw corrupt("truncated: need " + n + " bytes at " + pos + ", have " + (end - pos));
    }

    public byte get() {
        need(1);
        return buf[pos++];
    }

    public int getShort() {
        need(2);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public int getInt() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) v |= (buf[pos + i] & 0xFF) << (8 * i);
        pos += 4;
        return v;
    }

    public long getLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) v |= (buf[pos + i] & 0xFFL) << (8 * i);
        pos += 8;
        return v;
    }

    public long getVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw corrupt("varint longer than 10 bytes at " + pos);
    }

    /** A varint that must lie in {@code [0, max]}. */
    public int getVarInt(int max) {
        long v = getVarLong();
        if (v < 0 || v > max) throw corrupt("value " + v + " above limit " + max + " at " + pos);
        return (int) v;
    }

    /** Length-prefixed bytes, at most {@code maxLength} long. */
    public byte[] getBytes(int maxLength) {
        int n = getVarInt(maxLength);
        return getFixed(n);
    }

    public byte[] getFixed(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }

    public byte[] array() {
        return buf;
    }
}
