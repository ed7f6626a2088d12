package cairn.protocols.nbd;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A server on a free loopback port over a {@link FakeBlockFileSystem}, with one export "disk". */
final class TestServer implements AutoCloseable {
    static final String EXPORT = "disk";
    static final long SIZE = 8L << 20;

    final FakeBlockFileSystem fs;
    final NbdServer server;
    final InetSocketAddress address;

    TestServer(NbdOptions options) throws InterruptedException {
        this(new FakeBlockFileSystem(false), options, true);
    }

    TestServer(FakeBlockFileSystem fs, NbdOptions options, boolean createExport) throws InterruptedException {
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
    }
}
