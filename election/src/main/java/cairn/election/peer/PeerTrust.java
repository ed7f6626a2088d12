package cairn.election.peer;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Who is a peer, checked during the TLS handshake on both sides: the JDK's PKIX check against the cluster CA,
 * then the node identity ({@link CertNames}: exactly one member id, and on a connection this node opened, the id
 * of the member it dialed), then the revocation list ({@link PeerCrl}, looked at for a change on every
 * handshake). A failure aborts the handshake with the reason, before a byte of raft is read.
 *
 * <p>A connection this node opens is registered with {@link #expect} before its handshake: the engine is created
 * without the peer's address on purpose, so the JDK never resumes a session (a resumed session skips this
 * check), and the member it dialed is looked up here by engine instead.
 */
final class PeerTrust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final PeerMembers members;
    private final PeerCrl crl;
    private final Map<SSLEngine, String> dialed = Collections.synchronizedMap(new WeakHashMap<>());

    PeerTrust(X509ExtendedTrustManager pkix, PeerMembers members, PeerCrl crl) {
        this.pkix = pkix;
        this.members = members;
        this.crl = crl;
    }

    PeerCrl crl() {
        return crl;
    }

    /** {@code engine} is a connection this node opened to member {@code id}. */
    void expect(SSLEngine engine, String id) {
        dialed.put(engine, id);
    }

    /**
     * Why {@code chain} is not the peer it should be, or empty: {@code expected} is the member this node dialed,
     * null on an accepted connection (then any one member will do).
     */
    Optional<String> problem(X509Certificate[] chain, String expected, PeerCrl.Revocations revocations) {
        Optional<String> identity = identityProblem(chain[0], expected);
        if (identity.isPresent()) return identity;
        return revocations.revoked(chain);
    }

    /** The one member id {@code cert} names: only for a certificate {@link #problem} found no problem with. */
    String memberOf(X509Certificate cert) {
        Set<String> named = CertNames.memberIds(cert, members);
        if (named.size() != 1) throw new IllegalStateException("not a peer's certificate: names " + named);
        return named.iterator().next();
    }

    /** As {@link #problem}, for a certificate of this node itself: it must name {@code members.self()}. */
    Optional<String> ownProblem(X509Certificate[] chain) {
        Set<String> named = CertNames.memberIds(chain[0], members);
        if (!named.equals(Set.of(members.self()))) {
            return Optional.of("names " + (named.isEmpty() ? "no member id" : "member id(s) " + named) + " ("
                    + CertNames.describe(chain[0]) + "), not this node's id "
                    + members.self() + ": its CN or a DNS subject alternative name must be the node id, and no other member's");
        }
        return crl.current(0).revoked(chain).map(why -> "is revoked: " + why);
    }

    private Optional<String> identityProblem(X509Certificate cert, String expected) {
        Set<String> named = CertNames.memberIds(cert, members);
        if (expected != null && !named.equals(Set.of(expected))) {
            return Optional.of("expected node " + expected + ", but the certificate names " + describe(named)
                    + " (" + CertNames.describe(cert) + ")");
        }
        if (named.size() != 1) {
            return Optional.of("the certificate names " + describe(named) + " (" + CertNames.describe(cert) + "); members: "
                    + members.ids());
        }
        return Optional.empty();
    }

    private static String describe(Set<String> memberIds) {
        return switch (memberIds.size()) {
            case 0 -> "no member id";
            case 1 -> "node " + memberIds.iterator().next();
            default -> "several member ids " + memberIds;
        };
    }

    private void check(X509Certificate[] chain, String expected) throws CertificateException {
        Optional<String> problem = problem(chain, expected, crl.current(0));
        if (problem.isPresent()) throw new CertificateException(problem.get());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
        check(chain, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
        String expected = dialed.remove(engine);
        if (expected == null) throw new CertificateException("a connection to no known member");
        check(chain, expected);
    }

    // The peer channel runs on Netty's SSLEngine only; without an engine there is no connection to check against.
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("peer TLS checks SSLEngine connections only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("peer TLS checks SSLEngine connections only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("peer TLS checks SSLEngine connections only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("peer TLS checks SSLEngine connections only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
