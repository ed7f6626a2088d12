package cairn.protocols.rpc;

/** ONC RPC version 2 message constants and reply headers (RFC 5531 section 9). */
public final class Rpc {
    public static final int VERSION = 2;
    public static final int CALL = 0;
    public static final int REPLY = 1;
    public static final int MSG_ACCEPTED = 0;
    public static final int MSG_DENIED = 1;

    // accept_stat
    public static final int SUCCESS = 0;
    public static final int PROG_UNAVAIL = 1;
    public static final int PROG_MISMATCH = 2;
    public static final int PROC_UNAVAIL = 3;
    public static final int GARBAGE_ARGS = 4;
    public static final int SYSTEM_ERR = 5;

    // reject_stat
    public static final int RPC_MISMATCH = 0;
    public static final int AUTH_ERROR = 1;

    // auth_stat
    public static final int AUTH_BADCRED = 1;
    public static final int AUTH_REJECTEDCRED = 2;
    public static final int AUTH_BADVERF = 3;
    public static final int AUTH_TOOWEAK = 5;

    private Rpc() {}

    /** xid, REPLY, MSG_ACCEPTED, a null verifier and {@code acceptStat}; the caller appends what follows. */
    public static void writeAccepted(XdrWriter w, int xid, int acceptStat) {
        w.writeInt(xid).writeInt(REPLY).writeInt(MSG_ACCEPTED).writeInt(RpcAuth.FLAVOR_NONE).writeInt(0)
                .writeInt(acceptStat);
    }

    /** A PROG_MISMATCH reply with the supported version range. */
    public static void writeProgMismatch(XdrWriter w, int xid, int low, int high) {
        writeAccepted(w, xid, PROG_MISMATCH);
        w.writeInt(low).writeInt(high);
    }

    public static void writeRpcMismatch(XdrWriter w, int xid) {
        w.writeInt(xid).writeInt(REPLY).writeInt(MSG_DENIED).writeInt(RPC_MISMATCH).writeInt(VERSION).writeInt(VERSION);
    }

    public static void writeAuthError(XdrWriter w, int xid, int authStat) {
        w.writeInt(xid).writeInt(REPLY).writeInt(MSG_DENIED).writeInt(AUTH_ERROR).writeInt(authStat);
    }
}
