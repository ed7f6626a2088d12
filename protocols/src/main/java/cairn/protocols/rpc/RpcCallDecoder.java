package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;

/**
 * Turns one record into an {@link RpcMessage}: parses the call header and credential (RFC 5531 section 9,
 * AUTH_NONE and AUTH_SYS). A record too short to hold a call header, or a reply, is dropped: there is nothing
 * sensible to answer.
 */
@ChannelHandler.Sharable
public final class RpcCallDecoder extends MessageToMessageDecoder<ByteBuf> {
    public static final RpcCallDecoder INSTANCE = new RpcCallDecoder();

    private RpcCallDecoder() {}

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf record, List<Object> out) {
        RpcMessage m = parse(record);
        if (m != null) out.add(m);
    }

    /** The message in {@code record}, or null if it must be dropped. */
    public static RpcMessage parse(ByteBuf record) {
        var r = new XdrReader(record);
        int xid;
        try {
            xid = r.readInt();
            if (r.readInt() != Rpc.CALL) return null;
        } catch (XdrException e) {
            return null;
        }
        try {
            if (r.readInt() != Rpc.VERSION) return new RpcMessage.Denied(xid, Rpc.RPC_MISMATCH, 0);
            int program = r.readInt();
            int version = r.readInt();
            int procedure = r.readInt();
            RpcAuth auth;
            try {
                auth = readCredential(r);
            } catch (XdrException e) {
                return new RpcMessage.Denied(xid, Rpc.AUTH_ERROR, Rpc.AUTH_BADCRED);
            }
            if (auth == null) return new RpcMessage.Denied(xid, Rpc.AUTH_ERROR, Rpc.AUTH_BADCRED);
            try {
                r.readInt();
                r.skipOpaque(RpcAuth.BODY_BYTES_MAX);
            } catch (XdrException e) {
                return new RpcMessage.Denied(xid, Rpc.AUTH_ERROR, Rpc.AUTH_BADVERF);
            }
            return new RpcMessage.Call(xid, program, version, procedure, auth, record.retainedSlice());
        } catch (XdrException e) {
            return new RpcMessage.Denied(xid, Rpc.AUTH_ERROR, Rpc.AUTH_BADCRED);
        }
    }

    /** The credential, or null for a flavor Cairn does not accept. */
    private static RpcAuth readCredential(XdrReader r) {
        int flavor = r.readInt();
        byte[] body = r.readOpaque(RpcAuth.BODY_BYTES_MAX);
        return switch (flavor) {
            case RpcAuth.FLAVOR_NONE -> RpcAuth.NONE;
            case RpcAuth.FLAVOR_SYS -> readSys(new XdrReader(Unpooled.wrappedBuffer(body)));
            default -> null;
        };
    }

    private static RpcAuth.Sys readSys(XdrReader r) {
        int stamp = r.readInt();
        String machine = r.readString(RpcAuth.MACHINE_NAME_BYTES_MAX);
        int uid = r.readInt();
        int gid = r.readInt();
        int[] gids = new int[r.readCount(RpcAuth.GROUPS_MAX)];
        for (int i = 0; i < gids.length; i++) gids[i] = r.readInt();
        return new RpcAuth.Sys(stamp, machine, uid, gid, gids);
    }
}
