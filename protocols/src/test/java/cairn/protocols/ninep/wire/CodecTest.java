package cairn.protocols.ninep.wire;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.Errno;
import cairn.protocols.ninep.wire.Rmessage.Rread;
import cairn.protocols.ninep.wire.Tmessage.Rejected;
import cairn.protocols.ninep.wire.Tmessage.Twalk;
import cairn.protocols.ninep.wire.Tmessage.Twrite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

    private static ByteBuf frameOf(ByteBuf whole) {
        assertEquals(whole.readableBytes(), whole.readIntLE(), "size field counts the whole message");
        return whole;
    }

    /** Records with byte[] compare by identity: compare their text with the array spelled out. */
    private static String show(Object m) {
        return switch (m) {
            case Twrite w -> "Twrite" + w.tag() + "/" + w.fid() + "/" + w.offset() + Arrays.toString(w.data());
            case Rread r -> "Rread" + r.tag() + Arrays.toString(r.data());
            default -> m.toString();
        };
    }

    @Test
    void everyRequestRoundTrips() {
        for (Tmessage m : Samples.requests()) {
            ByteBuf buf = Unpooled.buffer();
            RequestCodec.encode(m, buf);
            assertEquals(show(m), show(RequestCodec.decode(frameOf(buf))));
        }
    }

    @Test
    void everyReplyRoundTrips() {
        for (Rmessage m : Samples.replies()) {
            ByteBuf buf = Unpooled.buffer();
            ReplyCodec.encode(m, buf);
            assertEquals(show(m), show(ReplyCodec.decode(frameOf(buf))));
        }
    }

    @Test
    void knownByteLayoutOfTversion() {
        ByteBuf buf = Unpooled.buffer();
        RequestCodec.encode(new Tmessage.Tversion(0xFFFF, 8192, "9P2000.L"), buf);
        byte[] expected = {21, 0, 0, 0, 100, (byte) 0xFF, (byte) 0xFF, 0, 0x20, 0, 0, 8, 0,
                '9', 'P', '2', '0', '0', '0', '.', 'L'};
        byte[] actual = new byte[buf.readableBytes()];
        buf.readBytes(actual);
        assertArrayEquals(expected, actual);
    }

    @Test
    void fsyncWithoutDatasyncIsAccepted() {
        ByteBuf buf = Unpooled.buffer().writeByte(MessageType.TFSYNC).writeShortLE(3).writeIntLE(9);
        assertEquals(new Tmessage.Tfsync(3, 9, 0), RequestCodec.decode(buf));
    }

    @Test
    void unknownTypeIsRejectedWithEopnotsupp() {
        ByteBuf buf = Unpooled.buffer().writeByte(126).writeShortLE(5).writeIntLE(1);
        var m = assertInstanceOf(Rejected.class, RequestCodec.decode(buf));
        assertEquals(5, m.tag());
        assertEquals(Errno.EOPNOTSUPP.code, m.errno());
    }

    @Test
    void walkOfSeventeenNamesIsRejected() {
        ByteBuf buf = Unpooled.buffer();
        RequestCodec.encode(new Twalk(1, 0, 1, List.of()), buf);
        buf.setShortLE(buf.writerIndex() - 2, 17);
        for (int i = 0; i < 17; i++) buf.writeShortLE(1).writeByte('x');
        buf.setIntLE(0, buf.readableBytes());
        var m = assertInstanceOf(Rejected.class, RequestCodec.decode(frameOf(buf)));
        assertEquals(Errno.EINVAL.code, m.errno());
    }

    @Test
    void invalidUtf8NameIsRejectedNotFatal() {
        ByteBuf buf = Unpooled.buffer().writeByte(MessageType.TMKDIR).writeShortLE(2).writeIntLE(0)
                .writeShortLE(2).writeByte(0xC3).writeByte(0x28).writeIntLE(0755).writeIntLE(0);
        var m = assertInstanceOf(Rejected.class, RequestCodec.decode(buf));
        assertEquals(Errno.EINVAL.code, m.errno());
    }

    @Test
    void truncatedAndTrailingBodiesAreProtocolErrors() {
        ByteBuf full = Unpooled.buffer();
        RequestCodec.encode(new Tmessage.Tlopen(1, 2, 0), full);
        frameOf(full);
        ByteBuf truncated = full.slice(full.readerIndex(), full.readableBytes() - 1);
        assertThrows(ProtocolException.class, () -> RequestCodec.decode(truncated));
        ByteBuf trailing = Unpooled.buffer().writeBytes(full.duplicate()).writeByte(0);
        assertThrows(ProtocolException.class, () -> RequestCodec.decode(trailing));
    }

    @Test
    void writeCountLargerThanFrameIsAProtocolErrorWithoutAllocation() {
        ByteBuf buf = Unpooled.buffer().writeByte(MessageType.TWRITE).writeShortLE(1).writeIntLE(1).writeLongLE(0)
                .writeIntLE(Integer.MAX_VALUE).writeByte(1);
        assertThrows(ProtocolException.class, () -> RequestCodec.decode(buf));
        ByteBuf negative = Unpooled.buffer().writeByte(MessageType.TWRITE).writeShortLE(1).writeIntLE(1)
                .writeLongLE(0).writeIntLE(-1);
        assertThrows(ProtocolException.class, () -> RequestCodec.decode(negative));
    }
}
