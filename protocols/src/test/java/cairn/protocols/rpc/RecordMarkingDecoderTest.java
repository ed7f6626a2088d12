package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordMarkingDecoderTest {

    private static ByteBuf fragment(String s, boolean last) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.buffer().writeInt((last ? 0x80000000 : 0) | b.length).writeBytes(b);
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }

    @Test
    void joinsFragmentsAndSplitsRecordsArrivingInPieces() {
        var ch = new EmbeddedChannel(new RecordMarkingDecoder(1024));
        ByteBuf stream = Unpooled.buffer()
                .writeBytes(fragment("abc", false)).writeBytes(fragment("", false)).writeBytes(fragment("de", true))
                .writeBytes(fragment("xyz", true));
        // deliver one byte at a time: headers and bodies split everywhere
        while (stream.isReadable()) ch.writeInbound(stream.readRetainedSlice(1));
        stream.release();
        assertEquals("abcde", text(ch.readInbound()));
        assertEquals("xyz", text(ch.readInbound()));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void oversizeRecordClosesTheConnectionWithoutBuffering() {
        var ch = new EmbeddedChannel(new RecordMarkingDecoder(100));
        ch.writeInbound(fragment("x".repeat(60), false));
        assertTrue(ch.isOpen());
        // the second fragment brings the record over the cap: only its header has arrived
        ch.writeInbound(Unpooled.buffer().writeInt(0x80000000 | 50));
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
    }

    @Test
    void headerClaimingTwoGigabytesClosesAtOnce() {
        var ch = new EmbeddedChannel(new RecordMarkingDecoder(1 << 20));
        ch.writeInbound(Unpooled.buffer().writeInt(0xffffffff));
        assertFalse(ch.isOpen());
    }
}
