package cairn.protocols.ninep.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads little-endian 9P fields from one frame. Every read checks the bytes are there first, so no length
 * taken from the wire can make it allocate more than the frame already holds.
 */
final class WireReader {
    private final ByteBuf buf;

    WireReader(ByteBuf buf) {
        this.buf = buf;
    }

    private void need(int bytes) {
        if (buf.readableBytes() < bytes) {
            throw new ProtocolException("message truncated: need " + bytes + " bytes, have " + buf.readableBytes());
        }
    }

    int u8() {
        need(1);
        return buf.readUnsignedByte();
    }

    int u16() {
        need(2);
        return buf.readUnsignedShortLE();
    }

    int u32() {
        need(4);
        return buf.readIntLE();
    }

    long u64() {
        need(8);
        return buf.readLongLE();
    }

    /** A string that must be valid UTF-8; invalid bytes throw {@link InvalidStringException}. */
    String string() {
        int length = u16();
        need(length);
        ByteBuffer bytes = buf.nioBuffer(buf.readerIndex(), length);
        buf.skipBytes(length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidStringException();
        }
    }

    /** {@code count} bytes; {@code count} is an unsigned wire value and must not exceed what is left. */
    byte[] bytes(int count) {
        if (count < 0 || count > buf.readableBytes()) {
            throw new ProtocolException("count " + Integer.toUnsignedString(count) + " exceeds the "
                    + buf.readableBytes() + " bytes left in the message");
        }
        byte[] data = new byte[count];
        buf.readBytes(data);
        return data;
    }

    Qid qid() {
        return new Qid(u8(), u32(), u64());
    }

    int remaining() {
        return buf.readableBytes();
    }

    void end() {
        if (buf.isReadable()) throw new ProtocolException(buf.readableBytes() + " trailing bytes after message");
    }

    /** A string field that is not valid UTF-8: the request is refused, the connection survives. */
    static final class InvalidStringException extends ProtocolException {
        InvalidStringException() {
            super("string is not valid UTF-8");
        }
    }
}
