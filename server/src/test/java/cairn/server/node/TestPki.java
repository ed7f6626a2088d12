package cairn.server.node;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A throwaway CA (EC P-256, made in-process with BouncyCastle's ASN.1 classes: no keytool or openssl) that
 * signs a server certificate for 127.0.0.1 and localhost and a client certificate. {@link #clientDir()} is
 * libnbd's {@code tls-certificates} layout: {@code ca-cert.pem}, {@code client-cert.pem}, {@code client-key.pem}.
 */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(1);
    private static final long DAY_MS = 86_400_000L;
    private static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    private final Path dir;
    private final X509Certificate ca;
    private final X509Certificate server;
    private final KeyPair serverKeys;
    private final X509Certificate client;
    private final KeyPair clientKeys;

    /** Writes everything under {@code dir}; {@code name} tells CAs apart (their subjects differ). */
    TestPki(Path dir, String name) throws Exception {
        this.dir = Files.createDirectories(dir);
        KeyPair caKeys = ecKeys();
        X500Name caName = new X500Name("CN=" + name + " test CA");
        ca = sign(caName, caName, caKeys, caKeys.getPrivate(), Role.CA);
        serverKeys = ecKeys();
        server = sign(caName, new X500Name("CN=localhost"), serverKeys, caKeys.getPrivate(), Role.SERVER);
        clientKeys = ecKeys();
        client = sign(caName, new X500Name("CN=" + name + " client"), clientKeys, caKeys.getPrivate(), Role.CLIENT);
        Files.writeString(caCert(), pem("CERTIFICATE", ca.getEncoded()));
        Files.writeString(serverCert(), pem("CERTIFICATE", server.getEncoded()));
        Files.writeString(serverKey(), pem("PRIVATE KEY", pkcs8(serverKeys)));
        Path clientDir = Files.createDirectories(clientDir());
        Files.copy(caCert(), clientDir.resolve("ca-cert.pem"));
        Files.writeString(clientDir.resolve("client-cert.pem"), pem("CERTIFICATE", client.getEncoded()));
        Files.writeString(clientDir.resolve("client-key.pem"), pem("PRIVATE KEY", pkcs8(clientKeys)));
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

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private enum Role { CA, SERVER, CLIENT }

    /**
     * PKCS#8 as openssl writes it: the inner SEC1 key carries the public key too. The JDK leaves it out, and
     * GnuTLS then refuses the key ("ASN1 parser: Element was not found").
     */
    private static byte[] pkcs8(KeyPair keys) throws Exception {
        PrivateKeyInfo jdk = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        var inner = ECPrivateKey.getInstance(jdk.parsePrivateKey());
        var publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
        var full = new ECPrivateKey(256, inner.getKey(), publicKey, null);
        return new PrivateKeyInfo(jdk.getPrivateKeyAlgorithm(), full).getEncoded();
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** An X.509 v3 certificate valid from a day ago for 30 days, with the extensions GnuTLS checks. */
    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair subjectKeys, PrivateKey issuerKey,
            Role role) throws Exception {
        long now = System.currentTimeMillis();
        var tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.getAndIncrement())));
        tbs.setIssuer(issuer);
        tbs.setSubject(subject);
        tbs.setStartDate(new Time(new Date(now - DAY_MS)));
        tbs.setEndDate(new Time(new Date(now + 30 * DAY_MS)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
        tbs.setSignature(ECDSA_SHA256);
        var extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(role == Role.CA));
        switch (role) {
            case CA -> extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            case SERVER -> {
                extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            case CLIENT -> {
                extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
        }
        tbs.setExtensions(extensions.generate());
        var certificate = tbs.generateTBSCertificate();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKey);
        signer.update(certificate.getEncoded(ASN1Encoding.DER));
        var whole = new ASN1EncodableVector();
        whole.add(certificate);
        whole.add(ECDSA_SHA256);
        whole.add(new DERBitString(signer.sign()));
        byte[] der = new DERSequence(whole).getEncoded(ASN1Encoding.DER);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
