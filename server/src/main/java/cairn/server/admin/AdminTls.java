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
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts of the admin endpoint from PEM files (the JDK's TLS; Netty only parses the PEM key). */
public final class AdminTls {
    private AdminTls() {}

    /** Server side: a PEM certificate chain and its PKCS#8 PEM private key (RSA or EC). */
    public static SSLContext server(Path certFile, Path keyFile) throws IOException {
        try {
            var context = SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile())
                    .sslProvider(SslProvider.JDK).build();
            return ((JdkSslContext) context).context();
        } catch (IOException | RuntimeException e) {
            throw new IOException("admin TLS: cannot use certificate " + certFile + " and key " + keyFile
                    + " (PEM certificate and PKCS#8 PEM key expected): " + e.getMessage(), e);
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
