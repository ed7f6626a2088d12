package cairn.server.node;

import cairn.engine.testing.TestCa;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A throwaway CA (the shared {@link TestCa}) that
 * signs a server certificate for 127.0.0.1 and localhost and a client certificate. {@link #clientDir()} is
 * libnbd's {@code tls-certificates} layout: {@code ca-cert.pem}, {@code client-cert.pem}, {@code client-key.pem}.
 */
final class TestPki {
    private final Path dir;
    private final X509Certificate ca;
    private final X509Certificate client;
    private final KeyPair serverKeys;
    private final KeyPair clientKeys;

    /** Writes everything under {@code dir}; {@code name} tells CAs apart (their subjects differ). */
    TestPki(Path dir, String name) throws Exception {
        this.dir = Files.createDirectories(dir);
        TestCa authority = TestCa.create(name + " test CA");
        TestCa.Issued server = authority.issue("localhost", TestCa.Usage.SERVER);
        TestCa.Issued clientIssued = authority.issue(name + " client", TestCa.Usage.CLIENT);
        ca = authority.cert();
        client = clientIssued.cert();
        serverKeys = server.keys();
        clientKeys = clientIssued.keys();
        Files.writeString(caCert(), authority.certPem());
        Files.writeString(serverCert(), server.certPem());
        Files.writeString(serverKey(), server.keyPem());
        Path clientDir = Files.createDirectories(clientDir());
        Files.copy(caCert(), clientDir.resolve("ca-cert.pem"));
        Files.writeString(clientDir.resolve("client-cert.pem"), clientIssued.certPem());
        Files.writeString(clientDir.resolve("client-key.pem"), clientIssued.keyPem());
    }

    Path caCert() {
        return dir.resolve("ca-cert.pem");
    }

    Path serverCert() {
        return dir.resolve("server-cert.pem");
    }

    Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    /** For libnbd's {@code tls-certificates=}: this CA and a client certificate it signed. */
    Path clientDir() {
        return dir.resolve("client");
    }

    KeyPair serverKeys() {
        return serverKeys;
    }

    /**
     * A Java client context that trusts {@code trusted}'s CA and, unless {@code identity} is null, presents the
     * client certificate of {@code identity} whatever CAs the server asks for (the JDK would otherwise send no
     * certificate at all rather than a foreign one, and the server's check would never see it).
     */
    static SSLContext client(TestPki trusted, TestPki identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted.ca);
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keyManagers = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", identity.clientKeys.getPrivate(), new char[0], new X509Certificate[] {identity.client, identity.ca});
            var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            keyManagers = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0], "client")};
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    /** A client key manager that always offers its one certificate. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final String alias;

        AlwaysPresent(X509ExtendedKeyManager keys, String alias) {
            this.keys = keys;
            this.alias = alias;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String name) {
            return keys.getCertificateChain(name);
        }

        @Override
        public PrivateKey getPrivateKey(String name) {
            return keys.getPrivateKey(name);
        }
    }
}
