package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Writes XDR (RFC 4506) into a buffer it does not own. */
public final class XdrWriter {
    private static final byte[] ZEROS = new byte[4];
    private final ByteBuf buf;

    public XdrWriter(ByteBuf buf) {
        this.buf = buf;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public XdrWriter writeInt(int v) {
        buf.writeInt(v);
        return this;
    }

    public XdrWriter writeUnsignedInt(long v) {
        buf.writeInt((int) v);
        return this;
    }

    public XdrWriter writeHyper(long v) {
        buf.writeLong(v);
        return this;
    }

    public XdrWriter writeBool(boolean v) {
        buf.writeInt(v ? 1 : 0);
        return this;
    }

    public XdrWriter writeFixedOpaque(byte[] b) {
        return writeFixedOpaque(b, 0, b.length);
    }

    public XdrWriter writeFixedOpaque(byte[] b, int offset, int length) {
        buf.writeBytes(b, offset, length);
        buf.writeBytes(ZEROS, 0, XdrReader.padded(length) - length);
        return this;
    }

    public XdrWriter writeOpaque(byte[] b) {
        buf.writeInt(b.length);
        return writeFixedOpaque(b);
    }

    public XdrWriter writeString(String s) {
        return writeOpaque(s.getBytes(StandardCharsets.UTF_8));
    }
}
