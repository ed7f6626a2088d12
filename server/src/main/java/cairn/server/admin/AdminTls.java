package cairn.server.admin;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts of the admin endpoint (the JDK's TLS through Netty's builder). */
public final class AdminTls {
    private AdminTls() {}

    /** Server side: a certificate chain (the leaf first) and its private key, as read from PEM files. */
    public static SSLContext server(List<X509Certificate> chain, PrivateKey key) throws IOException {
        try {
            var context = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK).build();
            return ((JdkSslContext) context).context();
        } catch (IOException | RuntimeException e) {
            throw new IOException("admin TLS: cannot use certificate " + chain.get(0).getSubjectX500Principal()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Client side trusting the certificates in {@code caFile} (PEM); null trusts the JVM's default CAs. */
    public static SSLContext client(Path caFile) throws IOException {
        try {
            if (caFile == null) return SSLContext.getDefault();
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caFile)) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("ca" + i++, c);
                if (i == 0) throw new IOException("no certificate in " + caFile);
            }
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("admin TLS: cannot trust " + caFile + ": " + e.getMessage(), e);
        }
    }
}
