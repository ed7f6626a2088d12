package cairn.protocols.nbd.handshake;

import cairn.protocols.nbd.NbdProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Encodes {@link HandshakeReply} records to bytes. */
public final class HandshakeEncoder extends MessageToByteEncoder<HandshakeReply> {
    private static final int RESERVED_ZEROES = 124;

    public HandshakeEncoder() {
        super(HandshakeReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HandshakeReply reply, ByteBuf out) {
        switch (reply) {
            case HandshakeReply.Greeting g -> out.writeLong(NbdProtocol.NBDMAGIC).writeLong(NbdProtocol.IHAVEOPT)
                    .writeShort(g.handshakeFlags());
            case HandshakeReply.OptionReply r -> out.writeLong(NbdProtocol.OPTION_REPLY_MAGIC).writeInt(r.option())
                    .writeInt(r.type()).writeInt(r.data().length).writeBytes(r.data());
            case HandshakeReply.ExportNameReply e -> {
                out.writeLong(e.sizeBytes()).writeShort(e.transmissionFlags());
                if (e.zeroes()) out.writeZero(RESERVED_ZEROES);
            }
        }
    }
}
