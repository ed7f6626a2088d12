package cairn.protocols.ninep.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes one length-prefixed little-endian 9P message: {@link #begin}, fields, {@link #finish}. */
final class WireWriter {
    private final ByteBuf buf;
    private final int start;

    private WireWriter(ByteBuf buf) {
        this.buf = buf;
        this.start = buf.writerIndex();
    }

    static WireWriter begin(ByteBuf buf, int type, int tag) {
        var w = new WireWriter(buf);
        buf.writeIntLE(0);
        buf.writeByte(type);
        buf.writeShortLE(tag);
        return w;
    }

    /** Patches the size field. */
    void finish() {
        buf.setIntLE(start, buf.writerIndex() - start);
    }

    WireWriter u8(int v) {
        buf.writeByte(v);
        return this;
    }

    WireWriter u16(int v) {
        buf.writeShortLE(v);
        return this;
    }

    WireWriter u32(int v) {
        buf.writeIntLE(v);
        return this;
    }

    WireWriter u64(long v) {
        buf.writeLongLE(v);
        return this;
    }

    WireWriter string(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) throw new IllegalArgumentException("string longer than 65535 bytes");
        buf.writeShortLE(bytes.length);
        buf.writeBytes(bytes);
        return this;
    }

    WireWriter data(byte[] data) {
        buf.writeIntLE(data.length);
        buf.writeBytes(data);
        return this;
    }

    WireWriter qid(Qid q) {
        buf.writeByte(q.type());
        buf.writeIntLE(q.version());
        buf.writeLongLE(q.path());
        return this;
    }

    ByteBuf buf() {
        return buf;
    }
}
