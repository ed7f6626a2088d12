package cairn.protocols.nfs;

import cairn.protocols.rpc.RpcProgram;
import cairn.protocols.rpc.XdrReader;
import cairn.protocols.rpc.XdrWriter;

import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * Portmapper version 2 (RFC 1833): NULL, GETPORT, DUMP for the programs this server runs, all over TCP on
 * one port. SET and UNSET are refused (answer false): nobody else registers here. CALLIT is not offered.
 */
public final class PortmapProgram implements RpcProgram {
    public static final int PROGRAM = 100000;
    public static final int VERSION = 2;
    public static final int NULL = 0, SET = 1, UNSET = 2, GETPORT = 3, DUMP = 4;
    public static final int IPPROTO_TCP = 6;

    /** A program this server answers for, as a registration. */
    public record Registration(int program, int lowVersion, int highVersion) {}

    private final List<Registration> registrations;
    private final IntSupplier port;

    public PortmapProgram(List<Registration> others, IntSupplier port) {
        this.registrations = Stream.concat(others.stream(), Stream.of(new Registration(PROGRAM, VERSION, VERSION))).toList();
        this.port = port;
    }

    @Override
    public int program() {
        return PROGRAM;
    }

    @Override
    public int lowVersion() {
        return VERSION;
    }

    @Override
    public int highVersion() {
        return VERSION;
    }

    @Override
    public boolean hasProcedure(int version, int procedure) {
        return procedure >= NULL && procedure <= DUMP;
    }

    @Override
    public boolean cachesReplies(int version, int procedure) {
        return false;
    }

    @Override
    public void call(Context context, XdrReader args, XdrWriter w) {
        switch (context.call().procedure()) {
            case SET, UNSET -> {
                readMapping(args);
                w.writeBool(false);
            }
            case GETPORT -> {
                int[] m = readMapping(args);
                boolean known = m[2] == IPPROTO_TCP && registrations.stream()
                        .anyMatch(r -> r.program() == m[0] && m[1] >= r.lowVersion() && m[1] <= r.highVersion());
                w.writeInt(known ? port.getAsInt() : 0);
            }
            case DUMP -> {
                for (var r : registrations) {
                    for (int v = r.lowVersion(); v <= r.highVersion(); v++) {
                        w.writeBool(true).writeInt(r.program()).writeInt(v).writeInt(IPPROTO_TCP).writeInt(port.getAsInt());
                    }
                }
                w.writeBool(false);
            }
            default -> { } // NULL
        }
    }

    private static int[] readMapping(XdrReader r) {
        return new int[] {r.readInt(), r.readInt(), r.readInt(), r.readInt()};
    }
}
