package cairn.election.peer;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import com.alipay.sofa.jraft.rpc.RpcServer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS for the raft peer channel: this node's certificate chain and key, the CA certificates whose
 * certificates may make a peer, the members' node ids, and optionally a revocation list. Both directions
 * require the other side's certificate to chain to one of those CAs, to name exactly one member's node id (its
 * CN or a DNS subject alternative name; on a connection this node opens, the id of the member at the address it
 * dialed) and not to be revoked; anything else is refused during the handshake ({@link PeerTrust}), before a
 * byte of raft reaches jraft. A raft request over an accepted connection must name as its sender the member the
 * certificate names ({@link #checkingSenders}): a member cannot vote or append as another.
 *
 * <p>Reading the PEM files is the caller's (the server's config loader, which names the file in its errors);
 * {@link #of} checks what only TLS cares about, so an expired certificate, one the CA did not sign, one that
 * does not name this node or one the CRL lists is a start-up error, not an election that never completes.
 */
public final class PeerTls {

    /** A peer must finish its TLS handshake within this. */
    public static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    /** At most this many accepted connections may be handshaking at once; more are closed at once. */
    public static final int PENDING_HANDSHAKES_MAX = 64;
    private static final String[] PROTOCOLS = {"TLSv1.3"};
    private static final char[] NO_PASSWORD = new char[0];

    private final X509Certificate[] chain;
    private final PeerMembers members;
    private final SSLContext context;
    private final Refusals refusals = new Refusals();
    private final PeerTlsChannels channels;

    private PeerTls(X509Certificate[] chain, PeerMembers members, SSLContext context, PeerTrust trust) {
        this.chain = chain;
        this.members = members;
        this.context = context;
        this.channels = new PeerTlsChannels(this::newEngine, trust, members, refusals);
    }

    /**
     * TLS for member {@code members.self()}: {@code chain} (its certificate first, then any intermediates), its
     * private {@code key} (the caller checked it matches), the CA certificates {@code cas} that make a peer, and
     * the revocation list {@code crl} ({@link PeerCrl#none()} for none).
     *
     * @throws IllegalArgumentException if a certificate of the chain is not valid now, the chain does not lead to
     *                                  one of {@code cas}, the certificate does not name this node, or it is revoked
     */
    public static PeerTls of(PeerMembers members, List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas, PeerCrl crl) {
        if (chain.isEmpty() || cas.isEmpty()) throw new IllegalArgumentException("no certificate");
        var certs = chain.toArray(X509Certificate[]::new);
        checkValidNow(certs);
        checkSignedByCa(chain, cas);
        try {
            var trust = new PeerTrust(pkix(cas), members, crl);
            trust.ownProblem(certs).ifPresent(problem -> {
                throw new IllegalArgumentException("the certificate " + problem);
            });
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", key, NO_PASSWORD, certs);
            var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), new TrustManager[] {trust}, null);
            return new PeerTls(certs, members, context, trust);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** The members this TLS knows (the raft elector checks they are its own). */
    public PeerMembers members() {
        return members;
    }

    /** This node's certificate subject (for logs). */
    public String subject() {
        return chain[0].getSubjectX500Principal().getName();
    }

    /**
     * Peer connections refused so far, both directions: handshake failed, too many pending, revoked later, or
     * closed for a request that claimed another member as its sender.
     */
    public long refusedConnections() {
        return refusals.count();
    }

    /** Why the last peer connection was refused, or null if none was (for status and logs). */
    public String lastRefusal() {
        return refusals.last();
    }

    /** The handlers the raft RPC server puts in front of Bolt's codec on every accepted connection. */
    public ExtendedNettyChannelHandler serverHandlers() {
        return channels.serverHandlers();
    }

    /**
     * {@code server}, with every raft request processor registered on it refusing a request whose claimed sender
     * ({@code serverId}) is not the member the connection's certificate names ({@link SenderCheckedProcessor}).
     */
    public RpcServer checkingSenders(RpcServer server) {
        return new SenderCheckedRpcServer(server, members, refusals);
    }

    /** The handlers the raft RPC client puts in front of Bolt's codec on every connection it opens. */
    public ExtendedNettyChannelHandler clientHandlers() {
        return channels.clientHandlers();
    }

    /** A TLS 1.3 engine; a server engine requires a client certificate. No peer address: no session resumption. */
    private SSLEngine newEngine(boolean client) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(client);
        engine.setEnabledProtocols(PROTOCOLS);
        if (!client) engine.setNeedClientAuth(true);
        return engine;
    }

    private static X509ExtendedTrustManager pkix(List<X509Certificate> cas) throws GeneralSecurityException, java.io.IOException {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        for (int i = 0; i < cas.size(); i++) anchors.setCertificateEntry("ca" + i, cas.get(i));
        var tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x509) return x509;
        }
        throw new GeneralSecurityException("no PKIX trust manager");
    }

    private static void checkValidNow(X509Certificate[] chain) {
        for (X509Certificate c : chain) {
            try {
                c.checkValidity();
            } catch (CertificateExpiredException e) {
                throw new IllegalArgumentException(c.getSubjectX500Principal().getName() + " expired on " + c.getNotAfter(), e);
            } catch (CertificateNotYetValidException e) {
                throw new IllegalArgumentException(c.getSubjectX500Principal().getName() + " is not valid before " + c.getNotBefore(), e);
            }
        }
    }

    private static void checkSignedByCa(List<X509Certificate> chain, List<X509Certificate> cas) {
        try {
            var anchors = new HashSet<TrustAnchor>();
            for (X509Certificate ca : cas) anchors.add(new TrustAnchor(ca, null));
            var params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            var path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
            CertPathValidator.getInstance("PKIX").validate(path, params);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("does not chain to a CA of peer_tls_ca: " + e.getMessage(), e);
        }
    }
}
