package cairn.election.peer;

import cairn.engine.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A cluster CA for peer TLS tests: issues node identities (both TLS roles) and CRLs on the shared {@link TestCa},
 * directly or through an intermediate CA.
 */
public final class TestPki {

    /** A node's certificate chain (its certificate first) and key. */
    public record Identity(List<X509Certificate> chain, PrivateKey key) {
        public X509Certificate cert() {
            return chain.get(0);
        }

        /** Its peer TLS as member {@code members.self()}, trusting {@code cas}, without a CRL. */
        public PeerTls peerTls(PeerMembers members, X509Certificate... cas) {
            return peerTls(members, PeerCrl.none(), cas);
        }

        /** Its peer TLS as member {@code members.self()}, trusting {@code cas}, with {@code crl}. */
        public PeerTls peerTls(PeerMembers members, PeerCrl crl, X509Certificate... cas) {
            return PeerTls.of(members, chain, key, List.of(cas), crl);
        }
    }

    private final TestCa ca;
    private final List<X509Certificate> above; // the CA certificates between this CA and the root, this one first

    private TestPki(TestCa ca, List<X509Certificate> above) {
        this.ca = ca;
        this.above = above;
    }

    /** A new self-signed CA named {@code name}. */
    public static TestPki ca(String name) throws Exception {
        return new TestPki(TestCa.create(name), List.of());
    }

    /** An intermediate CA {@code name} signed by this CA: its node chains carry its certificate. */
    public TestPki intermediate(String name) throws Exception {
        TestCa sub = ca.intermediate(name);
        var chain = new ArrayList<X509Certificate>();
        chain.add(sub.cert());
        chain.addAll(above);
        return new TestPki(sub, List.copyOf(chain));
    }

    /** The CA certificate. */
    public X509Certificate cert() {
        return ca.cert();
    }

    /** A node certificate {@code CN=cn} signed by this CA, valid for a day. */
    public Identity issue(String cn) throws Exception {
        return issue(cn, Instant.now(), List.of());
    }

    /** A node certificate {@code CN=cn} that also names {@code dnsNames} as subject alternative names. */
    public Identity issue(String cn, List<String> dnsNames) throws Exception {
        return issue(cn, Instant.now(), dnsNames);
    }

    /** As {@link #issue(String)}, valid for one day from {@code notBefore} (five minutes of clock skew allowed). */
    public Identity issue(String cn, Instant notBefore) throws Exception {
        return issue(cn, notBefore, List.of());
    }

    private Identity issue(String cn, Instant notBefore, List<String> dnsNames) throws Exception {
        var issued = ca.issue(cn, TestCa.Usage.PEER, notBefore.minus(Duration.ofMinutes(5)), notBefore.plus(Duration.ofDays(1)), dnsNames);
        var chain = new ArrayList<X509Certificate>();
        chain.add(issued.cert());
        chain.addAll(above);
        return new Identity(List.copyOf(chain), issued.keys().getPrivate());
    }

    /** A CRL of this CA listing {@code revoked}, issued an hour ago, next update in a day. */
    public X509CRL crl(X509Certificate... revoked) throws Exception {
        return ca.crl(Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), List.of(revoked));
    }

    /** A CRL of this CA listing {@code revoked} whose next update was an hour ago. */
    public X509CRL expiredCrl(X509Certificate... revoked) throws Exception {
        return ca.crl(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofHours(1)), List.of(revoked));
    }

    /**
     * Writes {@code crls} as one PEM file at {@code file}, replacing it atomically (a new file moved over the old
     * one, as an operator should), and returns it.
     */
    public static Path writeCrls(Path file, X509CRL... crls) throws Exception {
        var text = new StringBuilder();
        for (X509CRL crl : crls) text.append(TestCa.pem("X509 CRL", crl.getEncoded()));
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), text);
        return Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Members {@code ids} at made-up loopback raft addresses (port 7000 + index), as member {@code self}. */
    public static PeerMembers members(String self, String... ids) {
        var byAddress = new HashMap<String, String>();
        for (int i = 0; i < ids.length; i++) byAddress.put("127.0.0.1:" + (7000 + i), ids[i]);
        return new PeerMembers(self, byAddress);
    }
}
