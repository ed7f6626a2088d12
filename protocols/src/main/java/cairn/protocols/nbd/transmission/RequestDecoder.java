package cairn.protocols.nbd.transmission;

import cairn.protocols.nbd.NbdProtocol;
import cairn.protocols.nbd.PausableDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Frames transmission requests: a 28-byte header and, for WRITE, its payload. A bad magic or a WRITE payload
 * above the 32 MiB maximum cannot be skipped safely (framing is lost), so both close the connection; every
 * other oddity (unknown command, bad flags, out of range) is left to the handler to answer with an error.
 */
public final class RequestDecoder extends PausableDecoder {
    public static final String NAME = "nbd-request-decoder";

    @Override
    protected void decodeFrame(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_BYTES) return;
        int start = in.readerIndex();
        int magic = in.getInt(start);
        if (magic != NbdProtocol.REQUEST_MAGIC) {
            throw new CorruptedFrameException("bad request magic 0x" + Integer.toHexString(magic));
        }
        int type = in.getUnsignedShort(start + 6);
        long length = in.getUnsignedInt(start + 24);
        int payloadBytes = 0;
        if (type == NbdProtocol.CMD_WRITE) {
            if (length > NbdProtocol.BLOCK_SIZE_MAX) {
                throw new TooLongFrameException("WRITE of " + length + " bytes exceeds " + NbdProtocol.BLOCK_SIZE_MAX);
            }
            payloadBytes = (int) length;
        }
        if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_BYTES + payloadBytes) return;
        int flags = in.getUnsignedShort(start + 4);
        long handle = in.getLong(start + 8);
        long offset = in.getLong(start + 16);
        in.skipBytes(NbdProtocol.REQUEST_HEADER_BYTES);
        byte[] payload = new byte[payloadBytes];
        in.readBytes(payload);
        out.add(new NbdRequest(flags, type, handle, offset, length, payload));
    }
}
