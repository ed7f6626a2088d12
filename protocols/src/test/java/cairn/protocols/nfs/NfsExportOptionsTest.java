package cairn.protocols.nfs;

import cairn.engine.fs.Access;
import cairn.engine.fs.SetAttr;
import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.protocols.nfs.client.NfsException;
import cairn.protocols.rpc.Rpc;
import cairn.protocols.rpc.RpcAuth;
import cairn.protocols.rpc.RpcClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NfsExportOptionsTest {

    @Test
    void cidrMatching() throws Exception {
        assertTrue(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("10.200.1.2")));
        assertFalse(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1")));
        assertTrue(Cidr.parse("192.168.1.128/25").contains(InetAddress.getByName("192.168.1.200")));
        assertFalse(Cidr.parse("192.168.1.128/25").contains(InetAddress.getByName("192.168.1.100")));
        assertTrue(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("::ffff:127.0.0.1")));
        assertTrue(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fd12::1")));
        assertFalse(Cidr.parse("fd00::/8").contains(InetAddress.getByName("10.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    }

    @Test
    void squashing() {
        var root = new RpcAuth.Sys(0, "h", 0, 0, new int[] {5});
        var user = new RpcAuth.Sys(0, "h", 1000, 100, new int[] {5});
        var rootSquash = NfsExportOptions.DEFAULT.withSquash(NfsExportOptions.Squash.ROOT);
        assertEquals(65534, rootSquash.caller(root).uid());
        assertEquals(65534, rootSquash.caller(root).gid());
        assertEquals(1000, rootSquash.caller(user).uid());
        var allSquash = NfsExportOptions.DEFAULT.withSquash(NfsExportOptions.Squash.ALL);
        assertEquals(65534, allSquash.caller(user).uid());
        assertEquals(0, allSquash.caller(user).groups().length);
        assertEquals(0, NfsExportOptions.DEFAULT.caller(root).uid());
        assertEquals(65534, NfsExportOptions.DEFAULT.caller(RpcAuth.NONE).uid());
    }

    @Test
    void readOnlyExportRefusesChangesButServesReads() {
        try (var volume = new TestVolume();
             var rw = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT);
             var ro = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT.withReadOnly(true));
             var writer = rw.root(); var reader = ro.root()) {
            byte[] root = writer.mount("/");
            var f = writer.create(root, "f", Nfs3.GUARDED, SetAttr.NONE);
            writer.write(f.fh(), 0, new byte[] {1, 2, 3}, Nfs3.FILE_SYNC);

            byte[] roRoot = reader.mount("/");
            assertEquals(3, reader.read(f.fh(), 0, 10).data().length);
            assertEquals(Nfs3.ERR_ROFS, assertThrows(NfsException.class,
                    () -> reader.create(roRoot, "g", Nfs3.GUARDED, SetAttr.NONE)).status());
            assertEquals(Nfs3.ERR_ROFS, assertThrows(NfsException.class,
                    () -> reader.write(f.fh(), 0, new byte[] {9}, Nfs3.UNSTABLE)).status());
            assertEquals(Nfs3.ERR_ROFS, assertThrows(NfsException.class, () -> reader.remove(roRoot, "f")).status());
            assertEquals(Access.READ, reader.access(f.fh(), Access.READ | Access.MODIFY | Access.EXTEND));
        }
    }

    @Test
    void clientsOutsideTheAllowedNetworksAreRefused() {
        var options = NfsExportOptions.DEFAULT.withAllowedClients(List.of(Cidr.parse("10.0.0.0/8")));
        try (var volume = new TestVolume(); var server = new NfsTestServer(volume.fs, options); var nfs = server.root()) {
            assertEquals(Mount3.ERR_ACCES, assertThrows(NfsException.class, () -> nfs.mount("/")).status());
            try (var rpc = RpcClient.connect(server.address, Duration.ofSeconds(10))) {
                var reply = rpc.call(Nfs3.PROGRAM, 3, Nfs3.GETATTR, RpcAuth.NONE, w -> w.writeOpaque(new byte[32]));
                assertFalse(reply.accepted());
                assertEquals(Rpc.AUTH_ERROR, reply.rejectStat());
                assertEquals(Rpc.AUTH_TOOWEAK, reply.authStat());
            }
        }
    }

    @Test
    void rootSquashOwnsNewFilesByTheAnonymousUser() {
        var options = NfsExportOptions.DEFAULT.withSquash(NfsExportOptions.Squash.ROOT);
        try (var volume = new TestVolume(); var server = new NfsTestServer(volume.fs, options); var nfs = server.root()) {
            volume.fs.mkdir(Caller.ROOT, FileSystem.ROOT_INODE, "shared", 0777);
            byte[] shared = nfs.lookup(nfs.mount("/"), "shared").fh();
            assertEquals(Nfs3.ERR_ACCES, assertThrows(NfsException.class,
                    () -> nfs.mkdir(nfs.mount("/"), "as-root", SetAttr.NONE)).status(), "root is squashed");
            var f = nfs.create(shared, "squashed", Nfs3.GUARDED, SetAttr.NONE);
            assertEquals(65534, f.attr().uid());
        }
    }
}
