package cairn.protocols.nfs;

import cairn.protocols.rpc.RpcAuth;
import cairn.protocols.rpc.RpcProgram;
import cairn.protocols.rpc.XdrReader;
import cairn.protocols.rpc.XdrWriter;

import java.net.InetAddress;

/** MOUNT version 3 as an RPC program: the wire side of {@link MountTable}. */
public final class MountProgram implements RpcProgram {
    private final MountTable table;
    private final NfsExportOptions options;

    public MountProgram(MountTable table, NfsExportOptions options) {
        this.table = table;
        this.options = options;
    }

    @Override
    public int program() {
        return Mount3.PROGRAM;
    }

    @Override
    public int lowVersion() {
        return Mount3.VERSION;
    }

    @Override
    public int highVersion() {
        return Mount3.VERSION;
    }

    @Override
    public boolean hasProcedure(int version, int procedure) {
        return procedure >= Mount3.NULL && procedure <= Mount3.EXPORT;
    }

    @Override
    public boolean cachesReplies(int version, int procedure) {
        return false;
    }

    @Override
    public void call(Context context, XdrReader args, XdrWriter w) {
        InetAddress client = context.client().getAddress();
        switch (context.call().procedure()) {
            case Mount3.MNT -> {
                var result = table.mount(client, options.caller(context.call().auth()), args.readString(Mount3.PATH_BYTES_MAX));
                w.writeInt(result.status());
                if (result.status() == Mount3.OK) w.writeOpaque(result.fh()).writeInt(1).writeInt(RpcAuth.FLAVOR_SYS);
            }
            case Mount3.DUMP -> {
                for (var e : table.dump()) w.writeBool(true).writeString(e.host()).writeString(e.path());
                w.writeBool(false);
            }
            case Mount3.UMNT -> table.unmount(client, args.readString(Mount3.PATH_BYTES_MAX));
            case Mount3.UMNTALL -> table.unmountAll(client);
            case Mount3.EXPORT -> {
                w.writeBool(true).writeString("/");
                for (String g : table.exportGroups()) w.writeBool(true).writeString(g);
                w.writeBool(false).writeBool(false);
            }
            default -> { } // NULL
        }
    }
}
