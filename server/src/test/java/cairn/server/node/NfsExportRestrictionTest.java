package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.fs.FileSystem;
import cairn.engine.fs.SetAttr;
import cairn.protocols.nfs.Mount3;
import cairn.protocols.nfs.Nfs3;
import cairn.protocols.nfs.client.NfsClient;
import cairn.protocols.nfs.client.NfsException;
import cairn.protocols.rpc.RpcException;
import cairn.server.config.ConfigLoader;
import cairn.server.config.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [servers.nfs]} export options from a config file reach the NFS server of a running node. */
class NfsExportRestrictionTest {
    @TempDir
    Path dir;

    private Node start(String exportKeys) throws Exception {
        Path file = dir.resolve("cairn.toml");
        Files.writeString(file, """
                [storage]
                url = "file://store"
                password = "export-test"
                [cache]
                dir = "cache"
                disk_size_gb = 0
                memory_size_gb = 0.05
                [servers.nfs]
                addresses = ["127.0.0.1:0"]
                """ + exportKeys);
        return Node.start(new ConfigLoader(Map.of()).read(file), false);
    }

    private static InetSocketAddress nfsAddress(Node node) {
        String where = node.status().listeners().stream().filter(l -> l.service().equals("nfs")).findFirst().orElseThrow().address();
        return HostPort.parse(where).toSocketAddress();
    }

    @Test
    void aClientOutsideTheAllowedNetworksIsRefused() throws Exception {
        try (var node = start("allowed_networks = [\"127.0.0.2/32\"]\n");
             var client = NfsClient.connect(nfsAddress(node))) {
            // the client connects from 127.0.0.1: MOUNT answers ACCES, NFS calls are denied at the RPC layer
            var mount = assertThrows(NfsException.class, () -> client.mount("/"));
            assertEquals(Mount3.ERR_ACCES, mount.status());
            byte[] root = node.fileSystem().orElseThrow().handle(FileSystem.ROOT_INODE).toBytes();
            var call = assertThrows(RpcException.class, () -> client.getattr(root));
            assertTrue(call.getMessage().contains("authStat=5"), call.getMessage()); // AUTH_TOOWEAK
        }
    }

    @Test
    void anAllowedClientGetsTheConfiguredReadOnlySquashedExport() throws Exception {
        try (var node = start("allowed_networks = [\"127.0.0.0/8\"]\nread_only = true\nall_squash = true\n");
             var client = NfsClient.connect(nfsAddress(node))) {
            byte[] root = client.mount("/");
            assertEquals(FileSystem.ROOT_INODE, client.getattr(root).ino());
            var create = assertThrows(NfsException.class, () -> client.create(root, "f", Nfs3.UNCHECKED, SetAttr.NONE));
            assertEquals(Nfs3.ERR_ROFS, create.status());
        }
    }
}
