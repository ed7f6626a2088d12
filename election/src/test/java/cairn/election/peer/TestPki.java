package cairn.election.peer;

import cairn.engine.testing.TestCa;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A cluster CA for peer TLS tests: issues node identities (both TLS roles) on the shared {@link TestCa}. */
public final class TestPki {

    /** A node's certificate and key. */
    public record Identity(X509Certificate cert, PrivateKey key) {
        /** Its peer TLS, trusting {@code cas}. */
        public PeerTls peerTls(X509Certificate... cas) {
            return PeerTls.of(List.of(cert), key, List.of(cas));
        }
    }

    private final TestCa ca;

    private TestPki(TestCa ca) {
        this.ca = ca;
    }

    /** A new self-signed CA named {@code name}. */
    public static TestPki ca(String name) throws Exception {
        return new TestPki(TestCa.create(name));
    }

    /** The CA certificate. */
    public X509Certificate cert() {
        return ca.cert();
    }

    /** A node certificate {@code CN=cn} signed by this CA, valid for a day. */
    public Identity issue(String cn) throws Exception {
        return issue(cn, Instant.now());
    }

    /** As {@link #issue(String)}, valid for one day from {@code notBefore} (five minutes of clock skew allowed). */
    public Identity issue(String cn, Instant notBefore) throws Exception {
        var issued = ca.issue(cn, TestCa.Usage.PEER, notBefore.minus(Duration.ofMinutes(5)), notBefore.plus(Duration.ofDays(1)));
        return new Identity(issued.cert(), issued.keys().getPrivate());
    }
}
