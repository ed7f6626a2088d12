package cairn.election.peer;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/** {@link PeerTls#of} refuses at start what every peer would refuse at the handshake. */
class PeerTlsTest {

    private static final PeerMembers N0 = TestPki.members("n0", "n0", "n1", "n2");

    @TempDir
    Path dir;
    private TestPki cluster;

    @BeforeEach
    void cluster() throws Exception {
        cluster = TestPki.ca("cluster");
    }

    @Test
    void aCertificateFromTheClusterCaIsAccepted() throws Exception {
        PeerTls tls = cluster.issue("n0").peerTls(N0, cluster.cert());
        assertEquals("CN=n0", tls.subject());
        assertEquals(0, tls.refusedConnections());
        assertNull(tls.lastRefusal());
        assertEquals(N0, tls.members());
    }

    @Test
    void theNodeIdMayBeADnsSubjectAlternativeNameInstead() throws Exception {
        PeerTls tls = cluster.issue("cairn node", List.of("n0.cluster.example", "n0")).peerTls(N0, cluster.cert());
        assertEquals("CN=cairn node", tls.subject());
    }

    @Test
    void aCertificateThatDoesNotNameExactlyThisNodeIsRefused() throws Exception {
        var other = cluster.issue("n1");
        var e = assertThrows(IllegalArgumentException.class, () -> other.peerTls(N0, cluster.cert()));
        assertTrue(e.getMessage().startsWith("the certificate names member id(s) [n1] (subject CN=n1), not this node's id n0"), e.getMessage());

        var none = cluster.issue("localhost", List.of("localhost"));
        e = assertThrows(IllegalArgumentException.class, () -> none.peerTls(N0, cluster.cert()));
        assertTrue(e.getMessage().startsWith("the certificate names no member id (subject CN=localhost, DNS names [localhost])"), e.getMessage());

        var both = cluster.issue("n0", List.of("n1"));
        e = assertThrows(IllegalArgumentException.class, () -> both.peerTls(N0, cluster.cert()));
        assertTrue(e.getMessage().startsWith("the certificate names member id(s) [n0, n1]"), e.getMessage());
    }

    @Test
    void aRevokedCertificateOfThisNodeIsRefused() throws Exception {
        var n0 = cluster.issue("n0");
        PeerCrl crl = PeerCrl.load(TestPki.writeCrls(dir.resolve("crl.pem"), cluster.crl(n0.cert())), List.of(cluster.cert()));
        var e = assertThrows(IllegalArgumentException.class, () -> n0.peerTls(N0, crl, cluster.cert()));
        assertTrue(e.getMessage().startsWith("the certificate is revoked: certificate CN=n0 (serial "), e.getMessage());
        assertTrue(e.getMessage().endsWith("by the CRL of CN=cluster"), e.getMessage());
        assertEquals("CN=n0", cluster.issue("n0").peerTls(N0, crl, cluster.cert()).subject(), "a new certificate will do");
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        TestPki rogueCa = TestPki.ca("rogue");
        var rogue = rogueCa.issue("n0");
        var e = assertThrows(IllegalArgumentException.class, () -> rogue.peerTls(N0, cluster.cert()));
        assertTrue(e.getMessage().startsWith("does not chain to a CA of peer_tls_ca"), e.getMessage());
        assertEquals("CN=n0", rogue.peerTls(N0, cluster.cert(), rogueCa.cert()).subject(), "any CA of the bundle will do");
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRefused() throws Exception {
        var old = cluster.issue("n0", Instant.now().minus(Duration.ofDays(3)));
        var e = assertThrows(IllegalArgumentException.class, () -> old.peerTls(N0, cluster.cert()));
        assertTrue(e.getMessage().startsWith("CN=n0 expired on "), e.getMessage());
        var early = cluster.issue("n0", Instant.now().plus(Duration.ofDays(3)));
        e = assertThrows(IllegalArgumentException.class, () -> early.peerTls(N0, cluster.cert()));
        assertTrue(e.getMessage().startsWith("CN=n0 is not valid before "), e.getMessage());
    }

    @Test
    void anEmptyChainOrCaListIsRefused() throws Exception {
        var n0 = cluster.issue("n0");
        assertThrows(IllegalArgumentException.class, () -> PeerTls.of(N0, List.of(), n0.key(), List.of(cluster.cert()), PeerCrl.none()));
        assertThrows(IllegalArgumentException.class, () -> PeerTls.of(N0, List.of(n0.cert()), n0.key(), List.of(), PeerCrl.none()));
    }
}
