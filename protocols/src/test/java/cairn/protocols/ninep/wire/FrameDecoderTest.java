package cairn.protocols.ninep.wire;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static ByteBuf encoded(Tmessage m) {
        ByteBuf b = Unpooled.buffer();
        RequestCodec.encode(m, b);
        return b;
    }

    @Test
    void reassemblesFramesSplitAnywhere() {
        var ch = new EmbeddedChannel(new FrameDecoder(8192), MessageDecoder.requests());
        ByteBuf two = Unpooled.buffer().writeBytes(encoded(new Tmessage.Tclunk(1, 7)))
                .writeBytes(encoded(new Tmessage.Tread(2, 7, 0, 100)));
        while (two.isReadable()) ch.writeInbound(two.readRetainedSlice(Math.min(3, two.readableBytes())));
        assertEquals(new Tmessage.Tclunk(1, 7), ch.readInbound());
        assertEquals(new Tmessage.Tread(2, 7, 0, 100), ch.readInbound());
        assertNull(ch.readInbound());
    }

    @Test
    void oversizeFrameFailsBeforeBuffering() {
        var ch = new EmbeddedChannel(new FrameDecoder(8192));
        ByteBuf header = Unpooled.buffer().writeIntLE(8193).writeByte(100).writeShortLE(0);
        var e = assertThrows(DecoderException.class, () -> ch.writeInbound(header));
        assertInstanceOf(ProtocolException.class, e.getCause());
    }

    @Test
    void sizeBelowHeaderFails() {
        var ch = new EmbeddedChannel(new FrameDecoder(8192));
        assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.buffer().writeIntLE(6).writeShortLE(0)));
    }

    @Test
    void limitFollowsNegotiatedMsize() {
        var frames = new FrameDecoder(1 << 20);
        var ch = new EmbeddedChannel(frames);
        frames.maxFrameBytes(4096);
        assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.buffer().writeIntLE(4097)));
    }
}
