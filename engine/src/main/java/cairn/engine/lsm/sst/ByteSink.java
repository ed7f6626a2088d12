package cairn.engine.lsm.sst;

import java.util.Arrays;

/** A growable byte buffer with little-endian fixed-width and LEB128 varint writers. */
public final class ByteSink {
    private byte[] buf;
    private int size;

    public ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + extra);
            if (want > Integer.MAX_VALUE - 16) throw new IllegalStateException("buffer over 2 GiB");
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    public ByteSink put(byte b) {
        ensure(1);
        buf[size++] = b;
        return this;
    }

    public ByteSink put(byte[] b) {
        return put(b, 0, b.length);
    }

    public ByteSink put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    public ByteSink putShort(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    public ByteSink putInt(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) buf[size++] = (byte) (v >>> (8 * i));
        return this;
    }

    public ByteSink putLong(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) buf[size++] = (byte) (v >>> (8 * i));
        return this;
    }

    /** Unsigned LEB128. */
    public ByteSink putVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    /** Length-prefixed bytes. */
    public ByteSink putBytes(byte[] b) {
        putVarLong(b.length);
        return put(b);
    }

    /** Overwrites 4 bytes at {@code pos} (little-endian). */
    public void setInt(int pos, int v) {
        for (int i = 0; i < 4; i++) buf[pos + i] = (byte) (v >>> (8 * i));
    }

    /** The internal array; valid up to {@link #size()}. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
