package cairn.protocols.nbd;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.MemoryDb;
import cairn.engine.fs.ValueTransform;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A server on a free loopback port over the real {@link CairnFileSystem} (on the engine's in-memory test
 * {@link MemoryDb}), wrapped in a {@link HookedFileSystem}, with one export "disk".
 */
final class TestServer implements AutoCloseable {
    static final String EXPORT = "disk";
    static final long SIZE = 8L << 20;
    static final int EXTENT = FsOptions.DEFAULT_EXTENT_BYTES;

    static HookedFileSystem newFs() {
        return new HookedFileSystem(CairnFileSystem.open(new MemoryDb(), FsOptions.defaults(), ValueTransform.IDENTITY));
    }

    final HookedFileSystem fs;
    final NbdServer server;
    final InetSocketAddress address;

    TestServer(NbdOptions options) throws InterruptedException {
        this(TestServer.newFs(), options, true);
    }

    TestServer(HookedFileSystem fs, NbdOptions options, boolean createExport) throws InterruptedException {
        this.fs = fs;
        if (createExport) NbdDevices.create(fs, EXPORT, SIZE);
        server = new NbdServer(fs, options);
        address = (InetSocketAddress) server.start(new InetSocketAddress("127.0.0.1", 0)).get(0);
    }

    SocketAddress address() {
        return address;
    }

    String uri(String export) {
        return "nbd://127.0.0.1:" + address.getPort() + "/" + export;
    }

    long exportIno() {
        return NbdDevices.lookup(fs, EXPORT).ino();
    }

    @Override
    public void close() {
        server.stop();
        fs.close();
    }
}
