package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XdrTest {

    @Test
    void roundTripsEveryTypeWithFourByteAlignment() {
        ByteBuf buf = Unpooled.buffer();
        new XdrWriter(buf).writeInt(-7).writeUnsignedInt(0xfffffffeL).writeHyper(Long.MIN_VALUE).writeBool(true)
                .writeOpaque(new byte[] {1, 2, 3}).writeString("héllo").writeFixedOpaque(new byte[] {9});
        assertEquals(4 + 4 + 8 + 4 + (4 + 4) + (4 + 8) + 4, buf.readableBytes());
        var r = new XdrReader(buf);
        assertEquals(-7, r.readInt());
        assertEquals(0xfffffffeL, r.readUnsignedInt());
        assertEquals(Long.MIN_VALUE, r.readHyper());
        assertTrue(r.readBool());
        assertArrayEquals(new byte[] {1, 2, 3}, r.readOpaque(3));
        assertEquals("héllo", r.readString(6));
        assertArrayEquals(new byte[] {9}, r.readFixedOpaque(1));
        assertEquals(0, r.remaining());
    }

    @Test
    void readingPastTheEndIsXdrException() {
        var r = new XdrReader(Unpooled.wrappedBuffer(new byte[] {0, 0, 0}));
        assertThrows(XdrException.class, r::readInt);
        assertThrows(XdrException.class, new XdrReader(Unpooled.wrappedBuffer(new byte[7]))::readHyper);
    }

    @Test
    void opaqueLengthOverCapOrOverDataIsRefusedBeforeAllocation() {
        ByteBuf huge = Unpooled.buffer().writeInt(Integer.MAX_VALUE);
        assertThrows(XdrException.class, () -> new XdrReader(huge.duplicate()).readOpaque(Integer.MAX_VALUE));
        ByteBuf negative = Unpooled.buffer().writeInt(-1);
        assertThrows(XdrException.class, () -> new XdrReader(negative).readOpaque(1 << 20));
        ByteBuf overCap = Unpooled.buffer().writeInt(65).writeZero(68);
        assertThrows(XdrException.class, () -> new XdrReader(overCap).readOpaque(64));
        // length fits the cap, but the padding is missing
        ByteBuf unpadded = Unpooled.buffer().writeInt(3).writeZero(3);
        assertThrows(XdrException.class, () -> new XdrReader(unpadded).readOpaque(64));
    }

    @Test
    void countsBoolsEnumsAndStringsAreValidated() {
        assertThrows(XdrException.class, () -> new XdrReader(Unpooled.buffer().writeInt(17)).readCount(16));
        assertThrows(XdrException.class, () -> new XdrReader(Unpooled.buffer().writeInt(2)).readBool());
        assertThrows(XdrException.class, () -> new XdrReader(Unpooled.buffer().writeInt(3)).readEnum(2));
        ByteBuf badUtf8 = Unpooled.buffer().writeInt(2).writeByte(0xc3).writeByte(0x28).writeZero(2);
        assertThrows(XdrException.class, () -> new XdrReader(badUtf8).readString(10));
    }
}
