package cairn.engine.fs.schema;

import java.nio.ByteBuffer;

/** Fixed-width big-endian encodings of small numeric values (watermark, stats, tombstones). */
public final class Longs {
    private Longs() {}

    public static byte[] encode(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length);
        for (long v : values) b.putLong(v);
        return b.array();
    }

    public static long[] decode(byte[] v, int count) {
        if (v.length != 8 * count) throw new IllegalStateException("corrupt value: " + v.length + " bytes, want " + 8 * count);
        ByteBuffer b = ByteBuffer.wrap(v);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) out[i] = b.getLong();
        return out;
    }
}
