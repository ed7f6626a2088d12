package cairn.protocols.ninep.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import java.util.function.Function;

/** Frames to message records with {@link RequestCodec#decode} (server) or {@link ReplyCodec#decode} (client). */
public final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final Function<ByteBuf, ?> decoder;

    private MessageDecoder(Function<ByteBuf, ?> decoder) {
        super(ByteBuf.class);
        this.decoder = decoder;
    }

    public static MessageDecoder requests() {
        return new MessageDecoder(RequestCodec::decode);
    }

    public static MessageDecoder replies() {
        return new MessageDecoder(ReplyCodec::decode);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decoder.apply(frame));
    }
}
