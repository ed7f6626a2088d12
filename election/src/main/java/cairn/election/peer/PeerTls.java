package cairn.election.peer;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Mutual TLS for the raft peer channel: this node's certificate and key, and the CA (one or more PEM
 * certificates) whose certificates make a peer. Both directions require the other side's certificate to chain
 * to that CA; anything else is refused during the handshake, before a byte of raft reaches jraft.
 *
 * <p>The CA should be dedicated to the cluster: every certificate it signed is a peer. Host names are not
 * checked (peers are named by raft address and the CA is the membership), so node certificates need no SAN.
 *
 * <p>The files are checked when loaded, so a wrong path, an unreadable key, a key that does not match its
 * certificate, a certificate the CA did not sign or an expired one is a start-up error, not an election that
 * never completes.
 */
public final class PeerTls {

    /** A peer must finish its TLS handshake within this. */
    public static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    /** At most this many accepted connections may be handshaking at once; more are closed at once. */
    public static final int PENDING_HANDSHAKES_MAX = 64;

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
    private static final long PEM_FILE_BYTES_MAX = 1 << 20;

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
     * Loads and checks {@code certFile} (PEM, this node's certificate first, then any intermediates),
     * {@code keyFile} (PKCS#8 PEM, RSA, EC or Ed25519, readable by the owner only) and {@code caFile} (PEM,
     * one or more CA certificates).
     *
     * @throws IllegalArgumentException with a message naming the file and what is wrong with it
     */
    public static PeerTls load(Path certFile, Path keyFile, Path caFile) {
        X509Certificate[] chain = certificates("peer_tls_cert", certFile);
        X509Certificate[] cas = certificates("peer_tls_ca", caFile);
        PrivateKey key = privateKey(keyFile);
        checkKeyMatches(key, chain[0], keyFile, certFile);
        checkSignedByCa(chain, cas, certFile, caFile);
        try {
            SslContext server = SslContextBuilder.forServer(key, chain).trustManager(cas)
                    .clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).protocols("TLSv1.3").build();
            // no host name check: raft names peers by address, and the CA alone says who is a peer
            SslContext client = SslContextBuilder.forClient().keyManager(key, chain).trustManager(cas)
                    .endpointIdentificationAlgorithm(null).sslProvider(SslProvider.JDK).protocols("TLSv1.3").build();
            return new PeerTls(chain, server, client);
        } catch (SSLException e) {
            throw new IllegalArgumentException("peer TLS: cannot build a TLS context from " + certFile + " and "
                    + keyFile + ": " + e.getMessage(), e);
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

    private static X509Certificate[] certificates(String key, Path file) {
        List<byte[]> ders = pemBlocks(key, file, "CERTIFICATE");
        if (ders.isEmpty()) throw new IllegalArgumentException(key + " " + file + ": no PEM CERTIFICATE in it");
        try {
            var factory = CertificateFactory.getInstance("X.509");
            var out = new X509Certificate[ders.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(ders.get(i)));
                out[i].checkValidity();
            }
            return out;
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException(key + " " + file + ": a certificate in it has expired (" + e.getMessage() + ")", e);
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException(key + " " + file + ": a certificate in it is not valid yet (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(key + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        checkOwnerOnly(file);
        List<byte[]> ders = pemBlocks("peer_tls_key", file, "PRIVATE KEY");
        if (ders.size() != 1) {
            throw new IllegalArgumentException("peer_tls_key " + file + ": expected one unencrypted PKCS#8 PEM key"
                    + " (-----BEGIN PRIVATE KEY-----); convert with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
        }
        var spec = new PKCS8EncodedKeySpec(ders.get(0));
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("peer_tls_key " + file + ": not an EC, RSA or EdDSA PKCS#8 key");
    }

    private static void checkOwnerOnly(Path file) {
        var view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) return;
        try {
            Set<PosixFilePermission> perms = new HashSet<>(view.readAttributes().permissions());
            perms.retainAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE));
            if (!perms.isEmpty()) {
                throw new IllegalArgumentException("peer_tls_key " + file + ": readable or writable by others "
                        + perms + "; chmod 600 it");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("peer_tls_key " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<byte[]> pemBlocks(String key, Path file, String type) {
        String text;
        try {
            if (Files.size(file) > PEM_FILE_BYTES_MAX) throw new IllegalArgumentException(key + " " + file + ": larger than 1 MiB");
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + " " + file + ": cannot read: " + e, e);
        }
        Matcher m = PEM.matcher(text);
        var out = new java.util.ArrayList<byte[]>();
        while (m.find()) {
            if (!m.group(1).equals(type)) {
                if (m.group(1).endsWith("PRIVATE KEY") || type.endsWith("PRIVATE KEY")) {
                    throw new IllegalArgumentException(key + " " + file + ": found " + m.group(1) + ", expected " + type
                            + (type.equals("PRIVATE KEY") ? " (unencrypted PKCS#8; convert with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW)" : ""));
                }
                continue;
            }
            try {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " " + file + ": bad base64 in a PEM block", e);
            }
        }
        return out;
    }

    private static void checkKeyMatches(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> key.getAlgorithm(); // Ed25519, Ed448
            };
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) return;
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: not its key
        }
        throw new IllegalArgumentException("peer_tls_key " + keyFile + " is not the key of the certificate in " + certFile);
    }

    private static void checkSignedByCa(X509Certificate[] chain, X509Certificate[] cas, Path certFile, Path caFile) {
        try {
            var anchors = new HashSet<TrustAnchor>();
            for (X509Certificate ca : cas) anchors.add(new TrustAnchor(ca, null));
            var params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain));
            CertPathValidator.getInstance("PKIX").validate(path, params);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("peer_tls_cert " + certFile + " does not chain to a CA in " + caFile
                    + ": " + e.getMessage(), e);
        }
    }
}
