package cairn.protocols.nfs;

import cairn.engine.fs.FileSystem;
import cairn.protocols.nfs.client.NfsClient;
import cairn.protocols.rpc.RpcAuth;

import java.net.InetSocketAddress;
import java.time.Duration;

/** An {@link NfsServer} on a random loopback port over a given filesystem, with clients for it. */
final class NfsTestServer implements AutoCloseable {
    final FileSystem fs;
    final NfsServer server;
    final InetSocketAddress address;

    NfsTestServer(FileSystem fs, NfsExportOptions options) {
        this(fs, options, new InetSocketAddress("127.0.0.1", 0));
    }

    /** On a given address: a restarted server takes over its predecessor's port. */
    NfsTestServer(FileSystem fs, NfsExportOptions options, InetSocketAddress bind) {
        this.fs = fs;
        this.server = new NfsServer(fs, options);
        this.address = server.start(bind).getFirst();
    }

    NfsClient root() {
        return NfsClient.connect(address);
    }

    NfsClient as(int uid, int gid) {
        return new NfsClient(address, new RpcAuth.Sys(0, "test", uid, gid, new int[0]), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        server.stop();
    }
}
