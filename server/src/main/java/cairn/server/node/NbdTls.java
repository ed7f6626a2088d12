package cairn.server.node;

import cairn.protocols.nbd.NbdOptions;
import cairn.server.config.ConfigException;
import cairn.server.config.NbdTlsConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD server's TLS, built once when the node starts from {@code [servers.nbd]}'s {@code tls*} keys so that a
 * missing or mismatched file stops the start-up with a clear error instead of failing a later promotion. The
 * context is immutable and reused each time the servers start (HA promotions).
 *
 * @param context  server context (JDK TLS); with {@code tls_ca}, client certificates are required
 * @param required FORCEDTLS: no option but STARTTLS and ABORT before TLS
 * @param summary  what the log says about it
 */
record NbdTls(SslContext context, boolean required, String summary) {
    private static final Logger log = LoggerFactory.getLogger(NbdTls.class);
    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    /** Reads and checks the files; empty when TLS is off. Throws {@link ConfigException} naming key and file. */
    static Optional<NbdTls> load(String source, Optional<NbdTlsConfig> config) {
        if (config.isEmpty()) return Optional.empty();
        NbdTlsConfig c = config.get();
        var pem = new PemFiles(source);
        List<X509Certificate> chain = pem.certificates("servers.nbd.tls_cert", c.certFile());
        PrivateKey key = pem.privateKey("servers.nbd.tls_key", c.keyFile());
        pem.checkPair("servers.nbd.tls_cert", chain.get(0), "servers.nbd.tls_key", c.keyFile(), key);
        warnIfExpiring(c, chain.get(0));
        var builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)).sslProvider(SslProvider.JDK);
        Optional<List<X509Certificate>> clientCas = c.clientCaFile().map(f -> pem.certificates("servers.nbd.tls_ca", f));
        clientCas.ifPresent(cas -> builder.trustManager(cas.toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE));
        try {
            String summary = (c.required() ? "TLS required" : "TLS optional") + ", certificate "
                    + chain.get(0).getSubjectX500Principal().getName()
                    + clientCas.map(cas -> ", client certificates from " + c.clientCaFile().orElseThrow()).orElse("");
            return Optional.of(new NbdTls(builder.build(), c.required(), summary));
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(source + ": servers.nbd.tls_cert: " + c.certFile() + " with " + c.keyFile()
                    + ": cannot build a TLS context: " + e.getMessage());
        }
    }

    NbdOptions applyTo(NbdOptions options) {
        return options.withTls(context, required);
    }

    /** An expired certificate is the operator's to renew; clients will refuse it, so say so loudly. */
    private static void warnIfExpiring(NbdTlsConfig c, X509Certificate cert) {
        Instant notAfter = cert.getNotAfter().toInstant();
        Instant now = Instant.now();
        if (notAfter.isBefore(now)) {
            log.warn("NBD TLS certificate {} expired at {}: clients will refuse it", c.certFile(), notAfter);
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            log.warn("NBD TLS certificate {} expires at {}", c.certFile(), notAfter);
        } else if (cert.getNotBefore().toInstant().isAfter(now)) {
            log.warn("NBD TLS certificate {} is not valid before {}", c.certFile(), cert.getNotBefore().toInstant());
        }
    }
}
