package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * ONC RPC record marking over TCP (RFC 5531 section 11): each fragment is a 4-byte header (top bit = last
 * fragment, low 31 bits = length) and its bytes; fragments are joined into one record. A record bigger than
 * {@code maxRecordBytes} closes the connection: nothing is allocated for it, and the stream cannot be resynced.
 */
public final class RecordMarkingDecoder extends ByteToMessageDecoder {
    private final int maxRecordBytes;
    private CompositeByteBuf partial;
    private long partialBytes;
    private boolean failed;

    public RecordMarkingDecoder(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.readableBytes() >= 4) {
            int header = in.getInt(in.readerIndex());
            boolean last = header < 0;
            int length = header & 0x7fffffff;
            if (partialBytes + length > maxRecordBytes) {
                failed = true;
                in.skipBytes(in.readableBytes());
                releasePartial();
                ctx.close();
                return;
            }
            if (in.readableBytes() < 4 + length) return;
            in.skipBytes(4);
            ByteBuf fragment = in.readRetainedSlice(length);
            if (last && partial == null) {
                out.add(fragment);
                continue;
            }
            if (partial == null) partial = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            partial.addComponent(true, fragment);
            partialBytes += length;
            if (last) {
                out.add(partial);
                partial = null;
                partialBytes = 0;
            }
        }
        if (failed) in.skipBytes(in.readableBytes());
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartial();
    }

    private void releasePartial() {
        if (partial != null) partial.release();
        partial = null;
        partialBytes = 0;
    }
}
