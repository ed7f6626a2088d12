package cairn.protocols.ninep.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into 9P frames: size[4] (little-endian, counting itself) then size-4 bytes, passed
 * on as type[1] tag[2] body. A size below the 7-byte header or above the limit (the negotiated msize) is a
 * {@link ProtocolException}: the stream cannot be trusted after it, so the connection is closed.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private volatile int maxFrameBytes;
    private boolean failed;

    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Called once msize is negotiated. */
    public void maxFrameBytes(int bytes) {
        this.maxFrameBytes = bytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) { // the stream cannot be trusted any more: drop everything until the channel is closed
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= 4) {
            long size = in.getUnsignedIntLE(in.readerIndex());
            if (size < Protocol.HEADER_BYTES || size > maxFrameBytes) {
                in.skipBytes(in.readableBytes());
                failed = true;
                throw new ProtocolException("frame size " + size + " outside [7, " + maxFrameBytes + "]");
            }
            if (in.readableBytes() < size) return;
            in.skipBytes(4);
            out.add(in.readRetainedSlice((int) size - 4));
        }
    }
}
