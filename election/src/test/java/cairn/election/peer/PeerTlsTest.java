package cairn.election.peer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PeerTls#load} turns every bad file into a start-up error that names the file and the fault. */
class PeerTlsTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private Path ca;

    @BeforeEach
    void cluster() throws Exception {
        pki = TestPki.ca("cluster");
        ca = pki.writeCa(dir);
    }

    private static String failure(TestPki.Identity id) {
        return assertThrows(IllegalArgumentException.class, id::load).getMessage();
    }

    @Test
    void aCertificateFromTheClusterCaLoads() throws Exception {
        PeerTls tls = pki.issue(dir, "n0", ca).load();
        assertEquals("CN=n0", tls.subject());
        assertEquals(0, tls.refusedConnections());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        var n0 = pki.issue(dir, "n0", ca);
        var n1 = pki.issue(dir, "n1", ca);
        String message = failure(new TestPki.Identity(n0.cert(), n1.key(), ca));
        assertTrue(message.contains("is not the key of the certificate in " + n0.cert()), message);
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        var rogue = TestPki.ca("rogue").issue(dir, "r0", ca);
        String message = failure(rogue);
        assertTrue(message.contains("does not chain to a CA in " + ca), message);
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        var old = pki.issue(dir, "old", ca, Instant.now().minus(Duration.ofDays(3)));
        String message = failure(old);
        assertTrue(message.startsWith("peer_tls_cert " + old.cert()), message);
        assertTrue(message.toLowerCase().contains("expired"), message);
    }

    @Test
    void aKeyOthersCanReadIsRefused() throws Exception {
        var n0 = pki.issue(dir, "n0", ca);
        Files.setPosixFilePermissions(n0.key(), PosixFilePermissions.fromString("rw-r--r--"));
        String message = failure(n0);
        assertTrue(message.contains("chmod 600"), message);
    }

    @Test
    void aTraditionalOrEncryptedKeyFormatIsExplained() throws Exception {
        var n0 = pki.issue(dir, "n0", ca);
        Files.writeString(n0.key(), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        String message = failure(n0);
        assertTrue(message.contains("openssl pkcs8 -topk8 -nocrypt"), message);
    }

    @Test
    void missingAndEmptyFilesAreNamed() throws Exception {
        var n0 = pki.issue(dir, "n0", ca);
        Path missing = dir.resolve("nope.pem");
        String message = failure(new TestPki.Identity(n0.cert(), n0.key(), missing));
        assertTrue(message.startsWith("peer_tls_ca " + missing + ": cannot read"), message);
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        message = failure(new TestPki.Identity(empty, n0.key(), ca));
        assertEquals("peer_tls_cert " + empty + ": no PEM CERTIFICATE in it", message);
    }
}
