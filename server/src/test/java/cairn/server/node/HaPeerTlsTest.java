package cairn.server.node;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.testing.Await;
import cairn.engine.testing.TestCa;
import cairn.server.config.CairnConfig;
import cairn.server.config.ConfigException;
import cairn.server.config.ConfigLoader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [ha] peer_tls_*}: two raft nodes on one bucket elect a leader over mutual TLS with certificates of one CA
 * that name their node ids, and a bad file stops the start with a config error that names it: a loose key, a
 * certificate of another CA or for another node, a CRL that is expired, signed by someone else or revokes the
 * node itself.
 */
class HaPeerTlsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private TestCa cluster;
    private Path caPem;

    /** A node's certificate and key files. */
    private record NodeCert(Path certPem, Path keyPem, TestCa.Issued issued) {}

    @BeforeEach
    void ca() throws Exception {
        cluster = TestCa.create("cluster");
        caPem = Files.writeString(dir.resolve("ca.pem"), cluster.certPem());
    }

    private CairnConfig config(String nodeId, int raftPort, List<Integer> ports, NodeCert cert, Path ca, Path crl) {
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
                """.formatted(nodeId, nodeId, raftPort, ports.get(0), ports.get(1), cert.certPem(), cert.keyPem(), ca)
                + (crl == null ? "" : "peer_tls_crl = \"" + crl + "\"\n"), "ha.toml", dir);
    }

    /** A certificate {@code CN=cn} of {@code ca}, its key with mode 0600. */
    private NodeCert cert(TestCa ca, String cn) throws Exception {
        TestCa.Issued issued = ca.issue(cn, TestCa.Usage.PEER);
        Path cert = Files.writeString(dir.resolve(cn + ".pem"), issued.certPem());
        Path key = Files.writeString(dir.resolve(cn + ".key"), issued.keyPem());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new NodeCert(cert, key, issued);
    }

    private Path crl(X509CRL crl) throws Exception {
        return Files.writeString(dir.resolve("crl.pem"), TestCa.pem("X509 CRL", crl.getEncoded()));
    }

    private X509CRL crlRevoking(TestCa.Issued... revoked) throws Exception {
        var certs = java.util.Arrays.stream(revoked).map(TestCa.Issued::cert).toList();
        return cluster.crl(Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), certs);
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void twoRaftNodesElectALeaderOverMutualTls() throws Exception {
        NodeCert a = cert(cluster, "a");
        NodeCert b = cert(cluster, "b");
        Path crl = crl(crlRevoking(cluster.issue("a", TestCa.Usage.PEER))); // an old certificate of a: not the one a uses
        List<Integer> ports = List.of(freePort(), freePort());
        try (var nodeA = Node.start(config("a", ports.get(0), ports, a, caPem, crl), false);
             var nodeB = Node.start(config("b", ports.get(1), ports, b, caPem, crl), false)) {
            Await.until("one of the two leads", DEADLINE, () -> nodeA.status().leader() || nodeB.status().leader());
            assertEquals("CN=a", tlsPeer(ports.get(0), b, caPem), "the raft port speaks TLS with the node's certificate");
            assertTrue(nodeA.metrics().scrape().contains("cairn_ha_peer_refused_connections_total"), "the refusal counter is exported");
        }
    }

    /** A TLS handshake with a raft port as member {@code member} would do it; returns the subject it presented. */
    private static String tlsPeer(int port, NodeCert member, Path ca) throws Exception {
        var context = (io.netty.handler.ssl.JdkSslContext) io.netty.handler.ssl.SslContextBuilder.forClient()
                .keyManager(member.certPem().toFile(), member.keyPem().toFile()).trustManager(ca.toFile())
                .endpointIdentificationAlgorithm(null).sslProvider(io.netty.handler.ssl.SslProvider.JDK).build();
        try (var socket = (javax.net.ssl.SSLSocket) context.context().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            return socket.getSession().getPeerPrincipal().getName();
        }
    }

    private String startError(CairnConfig config) {
        return assertThrows(ConfigException.class, () -> Node.start(config, false)).getMessage();
    }

    @Test
    void aLooseKeyOrACertificateFromAnotherCaIsAConfigErrorAtStart() throws Exception {
        NodeCert a = cert(cluster, "a");
        Files.setPosixFilePermissions(a.keyPem(), PosixFilePermissions.fromString("rw-r--r--"));
        int port = freePort();
        String e = startError(config("a", port, List.of(port, freePort()), a, caPem, null));
        assertTrue(e.startsWith("ha.toml: ha.peer_tls_key: " + a.keyPem() + ": readable or writable by others"), e);
        assertTrue(e.contains("chmod 600"), e);

        Files.setPosixFilePermissions(a.keyPem(), PosixFilePermissions.fromString("rw-------"));
        Path strangerCa = Files.writeString(dir.resolve("stranger.pem"), TestCa.create("stranger").certPem());
        e = startError(config("a", port, List.of(port, freePort()), a, strangerCa, null));
        assertTrue(e.startsWith("ha.toml: ha.peer_tls_cert: " + a.certPem() + ": does not chain to a CA of peer_tls_ca"), e);
    }

    @Test
    void aCertificateForAnotherNodeOrARevokedOneIsAConfigErrorAtStart() throws Exception {
        NodeCert b = cert(cluster, "b");
        int port = freePort();
        String e = startError(config("a", port, List.of(port, freePort()), b, caPem, null));
        assertTrue(e.startsWith("ha.toml: ha.peer_tls_cert: " + b.certPem()
                + ": the certificate names member id(s) [b] (subject CN=b), not this node's id a"), e);

        NodeCert a = cert(cluster, "a");
        e = startError(config("a", port, List.of(port, freePort()), a, caPem, crl(crlRevoking(a.issued()))));
        assertTrue(e.startsWith("ha.toml: ha.peer_tls_cert: " + a.certPem() + ": the certificate is revoked: certificate CN=a"), e);
    }

    @Test
    void anExpiredOrForeignCrlIsAConfigErrorAtStart() throws Exception {
        NodeCert a = cert(cluster, "a");
        int port = freePort();
        Path expired = crl(cluster.crl(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofHours(1)), List.of()));
        String e = startError(config("a", port, List.of(port, freePort()), a, caPem, expired));
        assertTrue(e.startsWith("ha.toml: ha.peer_tls_crl: " + expired + ": the CRL of CN=cluster expired on "), e);

        TestCa stranger = TestCa.create("stranger");
        Path foreign = crl(stranger.crl(Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), List.of()));
        e = startError(config("a", port, List.of(port, freePort()), a, caPem, foreign));
        assertEquals("ha.toml: ha.peer_tls_crl: " + foreign + ": the CRL of CN=stranger is not signed by a CA of peer_tls_ca", e);
    }
}
