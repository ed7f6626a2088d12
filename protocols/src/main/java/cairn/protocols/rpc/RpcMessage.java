package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;

/** What {@link RpcCallDecoder} makes of one record: a call to dispatch, or a call refused before dispatch. */
public sealed interface RpcMessage {

    int xid();

    /** A well-formed call; {@code args} is a retained slice the receiver must release. */
    record Call(int xid, int program, int version, int procedure, RpcAuth auth, ByteBuf args) implements RpcMessage {}

    /** A call refused at the RPC layer: RPC_MISMATCH, or AUTH_ERROR with {@code authStat}. */
    record Denied(int xid, int rejectStat, int authStat) implements RpcMessage {}
}
