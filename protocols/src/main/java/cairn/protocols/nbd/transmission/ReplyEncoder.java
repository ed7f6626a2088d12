package cairn.protocols.nbd.transmission;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static cairn.protocols.nbd.NbdProtocol.*;

/** Encodes {@link NbdReply} records; read data is wrapped, not copied. */
public final class ReplyEncoder extends MessageToMessageEncoder<NbdReply> {
    public static final String NAME = "nbd-reply-encoder";
    private static final int CHUNK_HEADER_BYTES = 20;
    /** Error messages are cut to this many bytes (the protocol allows 4096). */
    private static final int MESSAGE_BYTES_MAX = 1024;

    public ReplyEncoder() {
        super(NbdReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, NbdReply reply, List<Object> out) {
        switch (reply) {
            case NbdReply.Simple s -> {
                out.add(ctx.alloc().buffer(16).writeInt(SIMPLE_REPLY_MAGIC).writeInt(s.error()).writeLong(s.handle()));
                if (s.data() != null && s.data().length > 0) out.add(Unpooled.wrappedBuffer(s.data()));
            }
            case NbdReply.OffsetData d -> {
                out.add(chunk(ctx, d.handle(), d.done(), REPLY_TYPE_OFFSET_DATA, 8 + d.data().length)
                        .writeLong(d.offset()));
                out.add(Unpooled.wrappedBuffer(d.data()));
            }
            case NbdReply.OffsetHole h -> out.add(chunk(ctx, h.handle(), h.done(), REPLY_TYPE_OFFSET_HOLE, 12)
                    .writeLong(h.offset()).writeInt(h.length()));
            case NbdReply.BlockStatus b -> {
                ByteBuf buf = chunk(ctx, b.handle(), b.done(), REPLY_TYPE_BLOCK_STATUS, 4 + 8 * b.extents().size())
                        .writeInt(b.contextId());
                for (NbdReply.Extent e : b.extents()) buf.writeInt((int) e.length()).writeInt(e.status());
                out.add(buf);
            }
            case NbdReply.Error e -> {
                byte[] message = truncate(e.message());
                out.add(chunk(ctx, e.handle(), e.done(), REPLY_TYPE_ERROR, 6 + message.length)
                        .writeInt(e.error()).writeShort(message.length).writeBytes(message));
            }
            case NbdReply.None n -> out.add(chunk(ctx, n.handle(), true, REPLY_TYPE_NONE, 0));
        }
    }

    private static ByteBuf chunk(ChannelHandlerContext ctx, long handle, boolean done, int type, int length) {
        int headerAndSmallPayload = CHUNK_HEADER_BYTES + (type == REPLY_TYPE_OFFSET_DATA ? 8 : length);
        return ctx.alloc().buffer(headerAndSmallPayload).writeInt(STRUCTURED_REPLY_MAGIC)
                .writeShort(done ? REPLY_FLAG_DONE : 0).writeShort(type).writeLong(handle).writeInt(length);
    }

    private static byte[] truncate(String message) {
        byte[] bytes = (message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MESSAGE_BYTES_MAX) return bytes;
        return new String(bytes, 0, MESSAGE_BYTES_MAX, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }
}
