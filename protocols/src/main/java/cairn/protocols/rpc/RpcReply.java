package cairn.protocols.rpc;

/**
 * A reply as a client sees it. {@code accepted} tells MSG_ACCEPTED ({@code acceptStat}, and for PROG_MISMATCH
 * the version range) from MSG_DENIED ({@code rejectStat}, and for AUTH_ERROR {@code authStat}).
 * {@code results} holds the procedure's results when the call succeeded.
 */
public record RpcReply(int xid, boolean accepted, int acceptStat, int rejectStat, int authStat,
                       int mismatchLow, int mismatchHigh, XdrReader results) {

    public boolean succeeded() {
        return accepted && acceptStat == Rpc.SUCCESS;
    }

    static RpcReply parse(XdrReader r) {
        int xid = r.readInt();
        if (r.readInt() != Rpc.REPLY) throw new XdrException("not a reply");
        if (r.readEnum(1) == Rpc.MSG_ACCEPTED) {
            r.readInt();
            r.skipOpaque(RpcAuth.BODY_BYTES_MAX);
            int stat = r.readInt();
            if (stat == Rpc.PROG_MISMATCH) {
                return new RpcReply(xid, true, stat, 0, 0, r.readInt(), r.readInt(), r);
            }
            return new RpcReply(xid, true, stat, 0, 0, 0, 0, r);
        }
        int reject = r.readInt();
        if (reject == Rpc.RPC_MISMATCH) return new RpcReply(xid, false, 0, reject, 0, r.readInt(), r.readInt(), r);
        return new RpcReply(xid, false, 0, reject, r.readInt(), 0, 0, r);
    }
}
