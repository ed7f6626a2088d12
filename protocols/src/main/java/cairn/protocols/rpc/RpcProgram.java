package cairn.protocols.rpc;

import java.net.InetSocketAddress;

/** One ONC RPC program (NFS, MOUNT, portmapper) as the {@link RpcDispatcher} sees it. */
public interface RpcProgram {

    int program();

    int lowVersion();

    int highVersion();

    /** Whether {@code procedure} exists in {@code version} (a version in range). */
    boolean hasProcedure(int version, int procedure);

    /** Whether the procedure is not idempotent, so a retransmission must get the original reply. */
    boolean cachesReplies(int version, int procedure);

    /**
     * Runs the call on a virtual thread: reads the arguments, writes the results. Throws {@link XdrException}
     * for arguments that do not decode (GARBAGE_ARGS) and {@link RpcAuthException} to refuse the credential.
     */
    void call(Context context, XdrReader args, XdrWriter results);

    /** A call as a program sees it. */
    record Context(RpcMessage.Call call, InetSocketAddress client) {}
}
