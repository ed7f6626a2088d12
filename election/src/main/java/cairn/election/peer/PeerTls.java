package cairn.election.peer;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
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
import javax.net.ssl.SSLException;

/**
 * Mutual TLS for the raft peer channel: this node's certificate chain and key, and the CA certificates whose
 * certificates make a peer. Both directions require the other side's certificate to chain to one of those CAs;
 * anything else is refused during the handshake, before a byte of raft reaches jraft.
 *
 * <p>The CA should be dedicated to the cluster: every certificate it signed is a peer. Host names are not
 * checked (peers are named by raft address and the CA is the membership), so node certificates need no SAN.
 *
 * <p>Reading the PEM files is the caller's (the server's config loader, which names the file in its errors);
 * {@link #of} checks what only TLS cares about, so an expired certificate or one the CA did not sign is a
 * start-up error, not an election that never completes.
 */
public final class PeerTls {

    /** A peer must finish its TLS handshake within this. */
    public static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    /** At most this many accepted connections may be handshaking at once; more are closed at once. */
    public static final int PENDING_HANDSHAKES_MAX = 64;

    private final X509Certificate[] chain;
    private final SslContext server;
    private final SslContext client;
    private final PeerTlsChannels channels;

    private PeerTls(X509Certificate[] chain, SslContext server, SslContext client) {
        this.chain = chain;
        this.server = server;
        this.client = client;
        this.channels = new PeerTlsChannels();
    }

    /**
     * TLS contexts for this node: {@code chain} (its certificate first, then any intermediates), its private
     * {@code key} (the caller checked it matches), and the CA certificates {@code cas} that make a peer.
     *
     * @throws IllegalArgumentException if a certificate of the chain is not valid now, or the chain does not
     *                                  lead to one of {@code cas}
     */
    public static PeerTls of(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas) {
        if (chain.isEmpty() || cas.isEmpty()) throw new IllegalArgumentException("no certificate");
        var certs = chain.toArray(X509Certificate[]::new);
        var anchors = cas.toArray(X509Certificate[]::new);
        checkValidNow(certs);
        checkSignedByCa(chain, cas);
        try {
            SslContext server = SslContextBuilder.forServer(key, certs).trustManager(anchors)
                    .clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).protocols("TLSv1.3").build();
            // no host name check: raft names peers by address, and the CA alone says who is a peer
            SslContext client = SslContextBuilder.forClient().keyManager(key, certs).trustManager(anchors)
                    .endpointIdentificationAlgorithm(null).sslProvider(SslProvider.JDK).protocols("TLSv1.3").build();
            return new PeerTls(certs, server, client);
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** This node's certificate subject (for logs). */
    public String subject() {
        return chain[0].getSubjectX500Principal().getName();
    }

    /** Peer connections refused so far (handshake failed or too many pending), both directions. */
    public long refusedConnections() {
        return channels.refused();
    }

    /** The handlers the raft RPC server puts in front of Bolt's codec on every accepted connection. */
    public ExtendedNettyChannelHandler serverHandlers() {
        return channels.handlers(server, true);
    }

    /** The handlers the raft RPC client puts in front of Bolt's codec on every connection it opens. */
    public ExtendedNettyChannelHandler clientHandlers() {
        return channels.handlers(client, false);
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
