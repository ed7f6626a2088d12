package cairn.server.node;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.testing.Await;
import cairn.server.admin.TestCert;
import cairn.server.config.CairnConfig;
import cairn.server.config.ConfigException;
import cairn.server.config.ConfigLoader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [ha] peer_tls_*}: two raft nodes on one bucket elect a leader over mutual TLS (each trusts a bundle of
 * both self-signed certificates), and a bad key file stops the start with a config error that names it.
 */
class HaPeerTlsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private CairnConfig config(String nodeId, int raftPort, List<Integer> ports, TestCert cert, Path ca) {
        return new ConfigLoader(Map.of()).parse("""
                [storage]
                url = "file://store"
                password = "pw"
                [cache]
                dir = "cache-%s"
                [ha]
                node_id = "%s"
                raft_address = "127.0.0.1:%d"
                peers = ["a@127.0.0.1:%d", "b@127.0.0.1:%d"]
                election_timeout_ms = 1000
                poll_interval_ms = 50
                peer_tls_cert = "%s"
                peer_tls_key = "%s"
                peer_tls_ca = "%s"
                """.formatted(nodeId, nodeId, raftPort, ports.get(0), ports.get(1), cert.certPem(), cert.keyPem(), ca),
                "ha.toml", dir);
    }

    private TestCert cert(String name) throws Exception {
        TestCert cert = TestCert.create(dir, name);
        Files.setPosixFilePermissions(cert.keyPem(), PosixFilePermissions.fromString("rw-------"));
        return cert;
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void twoRaftNodesElectALeaderOverMutualTls() throws Exception {
        TestCert a = cert("a");
        TestCert b = cert("b");
        Path ca = Files.writeString(dir.resolve("peers.pem"), Files.readString(a.certPem()) + Files.readString(b.certPem()));
        List<Integer> ports = List.of(freePort(), freePort());
        try (var nodeA = Node.start(config("a", ports.get(0), ports, a, ca), false);
             var nodeB = Node.start(config("b", ports.get(1), ports, b, ca), false)) {
            Await.until("one of the two leads", DEADLINE, () -> nodeA.status().leader() || nodeB.status().leader());
            assertEquals("CN=localhost", tlsPeer(ports.get(0), a, ca), "the raft port speaks TLS with the node's certificate");
            assertTrue(nodeA.metrics().scrape().contains("cairn_ha_peer_refused_connections_total"), "the refusal counter is exported");
        }
    }

    /** A TLS handshake with a raft port as a member would do it; returns the certificate subject it presented. */
    private static String tlsPeer(int port, TestCert member, Path ca) throws Exception {
        var context = (io.netty.handler.ssl.JdkSslContext) io.netty.handler.ssl.SslContextBuilder.forClient()
                .keyManager(member.certPem().toFile(), member.keyPem().toFile()).trustManager(ca.toFile())
                .endpointIdentificationAlgorithm(null).sslProvider(io.netty.handler.ssl.SslProvider.JDK).build();
        try (var socket = (javax.net.ssl.SSLSocket) context.context().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            return socket.getSession().getPeerPrincipal().getName();
        }
    }

    @Test
    void aLooseKeyOrACertificateFromAnotherCaIsAConfigErrorAtStart() throws Exception {
        TestCert a = cert("a");
        Files.setPosixFilePermissions(a.keyPem(), PosixFilePermissions.fromString("rw-r--r--"));
        int port = freePort();
        var config = config("a", port, List.of(port, freePort()), a, a.certPem());
        var e = assertThrows(ConfigException.class, () -> Node.start(config, false));
        assertTrue(e.getMessage().startsWith("ha.toml: ha.peer_tls_key: " + a.keyPem() + ": readable or writable by others"), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());

        Files.setPosixFilePermissions(a.keyPem(), PosixFilePermissions.fromString("rw-------"));
        TestCert stranger = cert("stranger");
        var foreign = config("a", port, List.of(port, freePort()), a, stranger.certPem());
        e = assertThrows(ConfigException.class, () -> Node.start(foreign, false));
        assertTrue(e.getMessage().startsWith("ha.toml: ha.peer_tls_cert: " + a.certPem() + ": does not chain to a CA of peer_tls_ca"),
                e.getMessage());
    }
}
