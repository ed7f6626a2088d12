package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads XDR (RFC 4506) from a buffer whose contents come from the network. Every length is checked against a
 * caller-given cap and against the bytes actually present before anything is allocated; every violation is an
 * {@link XdrException}. Does not own the buffer.
 */
public final class XdrReader {
    private final ByteBuf buf;

    public XdrReader(ByteBuf buf) {
        this.buf = buf;
    }

    public int remaining() {
        return buf.readableBytes();
    }

    public int readInt() {
        need(4);
        return buf.readInt();
    }

    /** An XDR unsigned int as a non-negative long. */
    public long readUnsignedInt() {
        return readInt() & 0xffffffffL;
    }

    public long readHyper() {
        need(8);
        return buf.readLong();
    }

    public boolean readBool() {
        int v = readInt();
        if (v == 0 || v == 1) return v == 1;
        throw new XdrException("bool is " + v);
    }

    /** An enum value that must lie in {@code [0, max]}. */
    public int readEnum(int max) {
        int v = readInt();
        if (v < 0 || v > max) throw new XdrException("enum value " + v + " out of range 0.." + max);
        return v;
    }

    /** An array or list length that must be at most {@code max}. */
    public int readCount(int max) {
        int n = readInt();
        if (n < 0 || n > max) throw new XdrException("count " + (n & 0xffffffffL) + " over cap " + max);
        return n;
    }

    public byte[] readFixedOpaque(int length) {
        need(padded(length));
        byte[] b = new byte[length];
        buf.readBytes(b);
        buf.skipBytes(padded(length) - length);
        return b;
    }

    /** Variable-length opaque of at most {@code max} bytes. */
    public byte[] readOpaque(int max) {
        int len = readCount(max);
        return readFixedOpaque(len);
    }

    /** Skips a variable-length opaque of at most {@code max} bytes. */
    public void skipOpaque(int max) {
        int len = readCount(max);
        need(padded(len));
        buf.skipBytes(padded(len));
    }

    /** A string of at most {@code max} bytes that must be valid UTF-8. */
    public String readString(int max) {
        byte[] b = readOpaque(max);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new XdrException("string is not UTF-8");
        }
    }

    static int padded(int length) {
        return (length + 3) & ~3;
    }

    private void need(int bytes) {
        if (bytes < 0 || buf.readableBytes() < bytes) {
            throw new XdrException("need " + bytes + " bytes, have " + buf.readableBytes());
        }
    }
}
