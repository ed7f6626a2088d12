package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/** Sends each outbound record as one last fragment: a 4-byte header, then the record (not copied). */
@ChannelHandler.Sharable
public final class RecordMarkingEncoder extends MessageToMessageEncoder<ByteBuf> {
    public static final RecordMarkingEncoder INSTANCE = new RecordMarkingEncoder();

    private RecordMarkingEncoder() {}

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf record, List<Object> out) {
        out.add(ctx.alloc().buffer(4).writeInt(0x80000000 | record.readableBytes()));
        out.add(record.retain());
    }
}
