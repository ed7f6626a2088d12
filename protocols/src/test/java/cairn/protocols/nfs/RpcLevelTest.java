package cairn.protocols.nfs;

import cairn.protocols.rpc.Rpc;
import cairn.protocols.rpc.RpcAuth;
import cairn.protocols.rpc.RpcClient;
import cairn.protocols.rpc.RpcReply;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RPC-level refusals (RFC 5531), MOUNT and portmapper bookkeeping, and record-size limits on a live server. */
class RpcLevelTest {
    private static final RpcAuth ROOT = new RpcAuth.Sys(0, "t", 0, 0, new int[0]);
    private static TestVolume volume;
    private static NfsTestServer server;

    @BeforeAll
    static void start() {
        volume = new TestVolume();
        server = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT);
    }

    @AfterAll
    static void stop() {
        server.close();
        volume.close();
    }

    private static RpcClient connect() {
        return RpcClient.connect(server.address, Duration.ofSeconds(10));
    }

    @Test
    void unknownProgramVersionAndProcedure() {
        try (var c = connect()) {
            RpcReply r = c.call(123456, 1, 0, ROOT, w -> { });
            assertTrue(r.accepted());
            assertEquals(Rpc.PROG_UNAVAIL, r.acceptStat());

            r = c.call(Nfs3.PROGRAM, 2, 0, ROOT, w -> { });
            assertEquals(Rpc.PROG_MISMATCH, r.acceptStat());
            assertEquals(3, r.mismatchLow());
            assertEquals(3, r.mismatchHigh());

            r = c.call(Nfs3.PROGRAM, 3, 22, ROOT, w -> { });
            assertEquals(Rpc.PROC_UNAVAIL, r.acceptStat());
        }
    }

    @Test
    void truncatedArgumentsAreGarbageArgs() {
        try (var c = connect()) {
            RpcReply r = c.call(Nfs3.PROGRAM, 3, Nfs3.GETATTR, ROOT, w -> w.writeInt(32).writeInt(0));
            assertEquals(Rpc.GARBAGE_ARGS, r.acceptStat());
            r = c.call(Nfs3.PROGRAM, 3, Nfs3.WRITE, ROOT, w -> w.writeInt(32).writeFixedOpaque(new byte[32]).writeHyper(0).writeInt(10).writeInt(0).writeInt(1000));
            assertEquals(Rpc.GARBAGE_ARGS, r.acceptStat());
            // the connection still works
            assertTrue(c.call(Nfs3.PROGRAM, 3, Nfs3.NULL, ROOT, w -> { }).succeeded());
        }
    }

    @Test
    void wrongRpcVersionAndUnknownFlavorAreDenied() {
        try (var c = connect()) {
            // rpcvers 3
            RpcReply r = c.callRaw(77, record(77, 3, 0));
            assertFalse(r.accepted());
            assertEquals(Rpc.RPC_MISMATCH, r.rejectStat());
            assertEquals(2, r.mismatchLow());
            assertEquals(2, r.mismatchHigh());
            // credential flavor 6 (RPCSEC_GSS) is not offered
            r = c.callRaw(78, record(78, 2, 6));
            assertFalse(r.accepted());
            assertEquals(Rpc.AUTH_ERROR, r.rejectStat());
            assertEquals(Rpc.AUTH_BADCRED, r.authStat());
        }
    }

    /** A NULL call to NFS with a chosen RPC version and credential flavor (empty bodies). */
    private static byte[] record(int xid, int rpcVersion, int flavor) {
        var b = Unpooled.buffer().writeInt(xid).writeInt(Rpc.CALL).writeInt(rpcVersion).writeInt(Nfs3.PROGRAM)
                .writeInt(3).writeInt(0).writeInt(flavor).writeInt(0).writeInt(0).writeInt(0);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    @Test
    void oversizeRecordClosesTheConnectionAndTheServerCarriesOn() {
        try (var c = connect()) {
            c.sendBytes(new byte[] {(byte) 0x80, 0x7f, 0, 0}); // a 2 GiB record
            assertTrue(c.awaitClosed(Duration.ofSeconds(10)));
        }
        try (var c = connect()) {
            assertTrue(c.call(Nfs3.PROGRAM, 3, Nfs3.NULL, ROOT, w -> { }).succeeded());
        }
    }

    @Test
    void portmapperAnswersForNfsAndMountOnThisPort() {
        try (var c = connect()) {
            int port = server.address.getPort();
            RpcReply r = c.call(PortmapProgram.PROGRAM, 2, PortmapProgram.GETPORT, RpcAuth.NONE,
                    w -> w.writeInt(Mount3.PROGRAM).writeInt(3).writeInt(PortmapProgram.IPPROTO_TCP).writeInt(0));
            assertEquals(port, r.results().readInt());
            r = c.call(PortmapProgram.PROGRAM, 2, PortmapProgram.GETPORT, RpcAuth.NONE,
                    w -> w.writeInt(Nfs3.PROGRAM).writeInt(3).writeInt(17).writeInt(0));
            assertEquals(0, r.results().readInt(), "no UDP");
            r = c.call(PortmapProgram.PROGRAM, 2, PortmapProgram.DUMP, RpcAuth.NONE, w -> { });
            var programs = new ArrayList<Integer>();
            while (r.results().readBool()) {
                programs.add(r.results().readInt());
                r.results().readInt();
                r.results().readInt();
                assertEquals(port, r.results().readInt());
            }
            assertTrue(programs.containsAll(java.util.List.of(Nfs3.PROGRAM, Mount3.PROGRAM, PortmapProgram.PROGRAM)));
        }
    }

    @Test
    void separatePortmapperListenerPointsAtTheNfsPort() {
        InetSocketAddress pm = server.server.startPortmapper(new InetSocketAddress("127.0.0.1", 0));
        try (var c = RpcClient.connect(pm, Duration.ofSeconds(10))) {
            RpcReply r = c.call(PortmapProgram.PROGRAM, 2, PortmapProgram.GETPORT, RpcAuth.NONE,
                    w -> w.writeInt(Nfs3.PROGRAM).writeInt(3).writeInt(PortmapProgram.IPPROTO_TCP).writeInt(0));
            assertEquals(server.address.getPort(), r.results().readInt());
            assertEquals(Rpc.PROG_UNAVAIL, c.call(Nfs3.PROGRAM, 3, 0, ROOT, w -> { }).acceptStat());
        }
    }

    @Test
    void mountDumpAndExport() {
        try (var c = connect()) {
            assertTrue(c.call(Mount3.PROGRAM, 3, Mount3.MNT, ROOT, w -> w.writeString("/")).succeeded());
            var r = c.call(Mount3.PROGRAM, 3, Mount3.DUMP, ROOT, w -> { });
            assertTrue(r.results().readBool());
            assertEquals("127.0.0.1", r.results().readString(255));
            assertEquals("/", r.results().readString(1024));
            r = c.call(Mount3.PROGRAM, 3, Mount3.EXPORT, ROOT, w -> { });
            assertTrue(r.results().readBool());
            assertEquals("/", r.results().readString(1024));
            assertTrue(c.call(Mount3.PROGRAM, 3, Mount3.UMNTALL, ROOT, w -> { }).succeeded());
            assertFalse(c.call(Mount3.PROGRAM, 3, Mount3.DUMP, ROOT, w -> { }).results().readBool());
        }
    }
}
