package cairn.protocols.ninep;

import cairn.engine.fs.FileSystem;
import cairn.protocols.ninep.client.NinepClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A server on a random loopback port over a filesystem, plus clients that are closed with it. */
final class ServerFixture implements AutoCloseable {
    static final int MSIZE = 65536;

    final FileSystem fs;
    final NinepServer server;
    private final List<NinepClient> clients = new ArrayList<>();

    ServerFixture(FileSystem fs, NinepOptions options) {
        this.fs = fs;
        this.server = new NinepServer(fs, options);
        server.start(new InetSocketAddress("127.0.0.1", 0));
    }

    InetSocketAddress address() {
        return server.tcpAddresses().get(0);
    }

    NinepClient connect() {
        try {
            var c = NinepClient.connect(address(), MSIZE);
            clients.add(c);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connected client with fid 0 attached to the root as {@code uid}. */
    NinepClient attached(int uid) {
        var c = connect();
        c.attach(0, "", "", uid);
        return c;
    }

    @Override
    public void close() {
        clients.forEach(NinepClient::close);
        server.stop();
    }
}
