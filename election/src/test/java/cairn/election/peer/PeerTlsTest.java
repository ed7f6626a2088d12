package cairn.election.peer;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PeerTls#of} refuses at start what every peer would refuse at the handshake. */
class PeerTlsTest {

    private TestPki cluster;

    @BeforeEach
    void cluster() throws Exception {
        cluster = TestPki.ca("cluster");
    }

    @Test
    void aCertificateFromTheClusterCaIsAccepted() throws Exception {
        PeerTls tls = cluster.issue("n0").peerTls(cluster.cert());
        assertEquals("CN=n0", tls.subject());
        assertEquals(0, tls.refusedConnections());
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        TestPki rogueCa = TestPki.ca("rogue");
        var rogue = rogueCa.issue("r0");
        var e = assertThrows(IllegalArgumentException.class, () -> rogue.peerTls(cluster.cert()));
        assertTrue(e.getMessage().startsWith("does not chain to a CA of peer_tls_ca"), e.getMessage());
        assertEquals("CN=r0", rogue.peerTls(cluster.cert(), rogueCa.cert()).subject(), "any CA of the bundle will do");
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRefused() throws Exception {
        var old = cluster.issue("old", Instant.now().minus(Duration.ofDays(3)));
        var e = assertThrows(IllegalArgumentException.class, () -> old.peerTls(cluster.cert()));
        assertTrue(e.getMessage().startsWith("CN=old expired on "), e.getMessage());
        var early = cluster.issue("early", Instant.now().plus(Duration.ofDays(3)));
        e = assertThrows(IllegalArgumentException.class, () -> early.peerTls(cluster.cert()));
        assertTrue(e.getMessage().startsWith("CN=early is not valid before "), e.getMessage());
    }

    @Test
    void anEmptyChainOrCaListIsRefused() throws Exception {
        var n0 = cluster.issue("n0");
        assertThrows(IllegalArgumentException.class, () -> PeerTls.of(List.of(), n0.key(), List.of(cluster.cert())));
        assertThrows(IllegalArgumentException.class, () -> PeerTls.of(List.of(n0.cert()), n0.key(), List.of()));
    }
}
