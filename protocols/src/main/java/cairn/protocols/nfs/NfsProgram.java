package cairn.protocols.nfs;

import cairn.protocols.rpc.Rpc;
import cairn.protocols.rpc.RpcAuthException;
import cairn.protocols.rpc.RpcProgram;
import cairn.protocols.rpc.XdrReader;
import cairn.protocols.rpc.XdrWriter;

/** NFS version 3 as an RPC program: checks the client network, decodes, handles, encodes. */
public final class NfsProgram implements RpcProgram {
    private final NfsHandler handler;
    private final NfsExportOptions options;
    private final NfsResultEncoder encoder;

    public NfsProgram(NfsHandler handler, NfsExportOptions options, long fsid) {
        this.handler = handler;
        this.options = options;
        this.encoder = new NfsResultEncoder(fsid);
    }

    @Override
    public int program() {
        return Nfs3.PROGRAM;
    }

    @Override
    public int lowVersion() {
        return Nfs3.VERSION;
    }

    @Override
    public int highVersion() {
        return Nfs3.VERSION;
    }

    @Override
    public boolean hasProcedure(int version, int procedure) {
        return procedure >= 0 && procedure <= Nfs3.PROCEDURE_MAX;
    }

    @Override
    public boolean cachesReplies(int version, int procedure) {
        return switch (procedure) {
            case Nfs3.SETATTR, Nfs3.WRITE, Nfs3.CREATE, Nfs3.MKDIR, Nfs3.SYMLINK, Nfs3.MKNOD, Nfs3.REMOVE,
                 Nfs3.RMDIR, Nfs3.RENAME, Nfs3.LINK -> true;
            default -> false;
        };
    }

    @Override
    public void call(Context context, XdrReader args, XdrWriter results) {
        if (!options.allows(context.client().getAddress())) throw new RpcAuthException(Rpc.AUTH_TOOWEAK);
        NfsRequest request = NfsArgsDecoder.decode(context.call().procedure(), args);
        encoder.encode(handler.handle(options.caller(context.call().auth()), request), results);
    }
}
