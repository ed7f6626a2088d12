package cairn.server.node;

import cairn.engine.fs.FileSystem;
import cairn.protocols.nbd.NbdExports;
import cairn.protocols.nbd.NbdOptions;
import cairn.protocols.nbd.NbdServer;
import cairn.protocols.nfs.NfsExportOptions;
import cairn.protocols.nfs.NfsServer;
import cairn.protocols.ninep.NinepOptions;
import cairn.protocols.ninep.NinepServer;
import cairn.server.config.HostPort;
import cairn.server.config.ListenerConfig;
import cairn.server.config.ServersConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NFS, 9P and NBD on one filesystem, each started only when its {@code [servers.*]} section is present; the
 * log and {@link NodeStatus} say what listens where (port 0 resolved). Closed in reverse start order.
 */
final class ProtocolServers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProtocolServers.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private NbdExports nbdExports = new NbdExports();

    private ProtocolServers() {}

    /** @param nbdTls the NBD server's TLS (loaded once at node start), empty when {@code tls = "off"} */
    static ProtocolServers start(ServersConfig servers, Optional<NbdTls> nbdTls, FileSystem fs, boolean readOnly,
            NodeStatus status) throws IOException {
        var result = new ProtocolServers();
        try {
            servers.nfs().ifPresent(l -> result.startNfs(l, servers.nfsExport(), fs, readOnly, status));
            servers.ninep().ifPresent(l -> result.startNinep(l, fs, status));
            if (servers.nbd().isPresent()) result.startNbd(servers.nbd().get(), nbdTls, fs, readOnly, status);
        } catch (IOException | RuntimeException e) {
            result.close();
            throw e;
        }
        return result;
    }

    /** Which NBD devices have connections (for the admin's delete and shrink checks). */
    NbdExports nbdExports() {
        return nbdExports;
    }

    /** A replica exports read-only whatever the config says; a writer as configured. */
    private void startNfs(ListenerConfig listener, NfsExportOptions export, FileSystem fs, boolean readOnly, NodeStatus status) {
        var server = new NfsServer(fs, export.withReadOnly(readOnly || export.readOnly()));
        started.push(server);
        for (InetSocketAddress bound : server.start(tcp(listener.addresses()))) announce(status, "nfs", bound);
    }

    private void startNinep(ListenerConfig listener, FileSystem fs, NodeStatus status) {
        var server = new NinepServer(fs, NinepOptions.defaults());
        started.push(server);
        server.start(List.of(tcp(listener.addresses())), listener.unixSocket().orElse(null));
        for (InetSocketAddress bound : server.tcpAddresses()) announce(status, "9p", bound);
        listener.unixSocket().ifPresent(path -> announce(status, "9p", path.toString()));
    }

    private void startNbd(ListenerConfig listener, Optional<NbdTls> tls, FileSystem fs, boolean readOnly, NodeStatus status)
            throws IOException {
        NbdOptions options = NbdOptions.defaults().withReadOnly(readOnly);
        if (tls.isPresent()) options = tls.get().applyTo(options);
        var server = new NbdServer(fs, options);
        started.push(server);
        nbdExports = server.exports();
        var addresses = new ArrayList<SocketAddress>(List.of(tcp(listener.addresses())));
        listener.unixSocket().ifPresent(path -> addresses.add(UnixDomainSocketAddress.of(path)));
        try {
            for (SocketAddress bound : server.start(addresses.toArray(SocketAddress[]::new))) {
                announce(status, "nbd", bound instanceof InetSocketAddress inet ? where(inet) : bound.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting NBD", e);
        }
        log.info("NBD: {}", tls.map(NbdTls::summary).orElse("no TLS"));
    }

    private static InetSocketAddress[] tcp(List<HostPort> addresses) {
        return addresses.stream().map(HostPort::toSocketAddress).toArray(InetSocketAddress[]::new);
    }

    private static void announce(NodeStatus status, String service, InetSocketAddress bound) {
        announce(status, service, where(bound));
    }

    private static void announce(NodeStatus status, String service, String where) {
        status.addListener(service, where);
        log.info("{} listening on {}", service.toUpperCase(java.util.Locale.ROOT), where);
    }

    private static String where(InetSocketAddress address) {
        return new HostPort(address.getHostString(), address.getPort()).toString();
    }

    /** Stops accepting and closes client connections, newest server first. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable server = started.pop();
            try {
                server.close();
            } catch (Exception e) {
                log.warn("closing {} failed", server.getClass().getSimpleName(), e);
            }
        }
    }
}
