package cairn.protocols.ninep.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.function.BiConsumer;

/** Message records to bytes: replies on the server, requests on the client. Stateless, so shareable. */
@ChannelHandler.Sharable
public final class MessageEncoder<T> extends MessageToByteEncoder<T> {
    public static final MessageEncoder<Rmessage> REPLIES = new MessageEncoder<>(Rmessage.class, ReplyCodec::encode);
    public static final MessageEncoder<Tmessage> REQUESTS = new MessageEncoder<>(Tmessage.class, RequestCodec::encode);

    private final BiConsumer<T, ByteBuf> encoder;

    private MessageEncoder(Class<T> type, BiConsumer<T, ByteBuf> encoder) {
        super(type);
        this.encoder = encoder;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, T message, ByteBuf out) {
        encoder.accept(message, out);
    }
}
