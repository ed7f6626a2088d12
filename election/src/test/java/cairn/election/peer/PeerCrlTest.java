package cairn.election.peer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peer_tls_crl}: what a CRL file must be at start, what it revokes, and how a changed file is taken. */
class PeerCrlTest {

    @TempDir
    Path dir;
    private TestPki cluster;
    private Path file;

    @BeforeEach
    void cluster() throws Exception {
        cluster = TestPki.ca("cluster");
        file = dir.resolve("crl.pem");
    }

    private PeerCrl load() {
        return PeerCrl.load(file, List.of(cluster.cert()));
    }

    private static X509Certificate[] chain(TestPki.Identity id) {
        return id.chain().toArray(X509Certificate[]::new);
    }

    @Test
    void aListedCertificateOrIntermediateIsRevokedAndOthersAreNot() throws Exception {
        TestPki sub = cluster.intermediate("sub");
        TestPki otherSub = cluster.intermediate("other sub");
        var n1 = cluster.issue("n1");
        var n2 = cluster.issue("n2");
        var viaSub = sub.issue("n3");
        var viaOther = otherSub.issue("n4");
        // one PEM file, two CRLs: the root's lists n1 and the intermediate "sub"
        TestPki.writeCrls(file, cluster.crl(n1.cert(), sub.cert()), TestPki.ca("unrelated").crl());
        var e = assertThrows(IllegalArgumentException.class, this::load, "every CRL must be signed by a CA of peer_tls_ca");
        assertEquals("the CRL of CN=unrelated is not signed by a CA of peer_tls_ca", e.getMessage());

        TestPki.writeCrls(file, cluster.crl(n1.cert(), sub.cert()), cluster.crl());
        PeerCrl crl = load();
        assertEquals(2, crl.revokedCount());
        var now = crl.current(0);
        assertTrue(now.revoked(chain(n1)).orElseThrow().startsWith("certificate CN=n1 (serial "));
        assertTrue(now.revoked(chain(viaSub)).orElseThrow().startsWith("certificate CN=sub (serial "), "its intermediate is listed");
        assertTrue(now.revoked(chain(n2)).isEmpty());
        assertTrue(now.revoked(chain(viaOther)).isEmpty());
    }

    @Test
    void aDerCrlIsReadToo() throws Exception {
        var n1 = cluster.issue("n1");
        Files.write(file, cluster.crl(n1.cert()).getEncoded());
        assertTrue(load().current(0).revoked(chain(n1)).isPresent());
    }

    @Test
    void anExpiredEmptyOrMissingFileIsRefusedAtStart() throws Exception {
        TestPki.writeCrls(file, cluster.expiredCrl());
        var e = assertThrows(IllegalArgumentException.class, this::load);
        assertTrue(e.getMessage().startsWith("the CRL of CN=cluster expired on "), e.getMessage());
        assertTrue(e.getMessage().endsWith("publish a fresh one (openssl ca -gencrl)"), e.getMessage());

        Files.writeString(file, "");
        assertEquals("no CRL in it (-----BEGIN X509 CRL-----)", assertThrows(IllegalArgumentException.class, this::load).getMessage());
        Files.writeString(file, "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n");
        assertTrue(assertThrows(IllegalArgumentException.class, this::load).getMessage().startsWith("not a PEM or DER X.509 CRL: "));
        Files.delete(file);
        assertEquals("no such file", assertThrows(IllegalArgumentException.class, this::load).getMessage());
    }

    @Test
    void aChangedFileReplacesTheCrlsAndABadOneIsSkipped() throws Exception {
        var n1 = cluster.issue("n1");
        var n2 = cluster.issue("n2");
        TestPki.writeCrls(file, cluster.crl());
        PeerCrl crl = load();
        var first = crl.current(0);
        assertSame(first, crl.current(0), "an unchanged file is not read again");
        assertTrue(first.revoked(chain(n1)).isEmpty());

        TestPki.writeCrls(file, cluster.crl(n1.cert()));
        var second = crl.current(0);
        assertEquals(first.generation() + 1, second.generation());
        assertTrue(second.revoked(chain(n1)).isPresent());

        // a bad version (here: expired) is skipped, the previous CRLs stay in force; so for a vanished file
        TestPki.writeCrls(file, cluster.expiredCrl(n2.cert()));
        assertSame(second, crl.current(0));
        Files.delete(file);
        assertSame(second, crl.current(0));

        TestPki.writeCrls(file, cluster.crl(n2.cert()));
        var third = crl.current(0);
        assertEquals(second.generation() + 1, third.generation());
        assertTrue(third.revoked(chain(n1)).isEmpty());
        assertTrue(third.revoked(chain(n2)).isPresent());
        assertSame(third, crl.current(PeerCrl.RECHECK_NANOS * 1000), "a recent look is not repeated within the bound");
    }

    @Test
    void noCrlRevokesNothing() throws Exception {
        var none = PeerCrl.none();
        assertTrue(none.file().isEmpty());
        assertTrue(none.current(0).revoked(chain(cluster.issue("n1"))).isEmpty());
    }
}
