package cairn.election.peer;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A throwaway cluster CA for tests, made in-process (EC P-256, BouncyCastle's ASN.1 and the JDK's signer): no
 * keytool or openssl process per certificate. Writes PEM files in the layout {@link PeerTls#load} reads.
 */
public final class TestPki {

    /** One node's files: certificate, key (mode 0600) and the CA bundle it trusts. */
    public record Identity(Path cert, Path key, Path ca) {
        public PeerTls load() {
            return PeerTls.load(cert, key, ca);
        }
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    private final String name;
    private final KeyPair keys;
    private final X509Certificate cert;

    private TestPki(String name, KeyPair keys, X509Certificate cert) {
        this.name = name;
        this.keys = keys;
        this.cert = cert;
    }

    /** A new self-signed CA named {@code name}. */
    public static TestPki ca(String name) throws Exception {
        KeyPair keys = ecKeys();
        return new TestPki(name, keys, sign(name, keys.getPrivate(), name, keys, true, Instant.now()));
    }

    /** The CA certificate as PEM in {@code dir}/{@code name}-ca.pem. */
    public Path writeCa(Path dir) throws Exception {
        return Files.writeString(dir.resolve(name + "-ca.pem"), pem("CERTIFICATE", cert.getEncoded()));
    }

    /** A node certificate {@code CN=cn} signed by this CA, trusting {@code ca} (one or more PEM CAs). */
    public Identity issue(Path dir, String cn, Path ca) throws Exception {
        return issue(dir, cn, ca, Instant.now());
    }

    /** As {@link #issue(Path, String, Path)}, valid for one day from {@code notBefore}. */
    public Identity issue(Path dir, String cn, Path ca, Instant notBefore) throws Exception {
        KeyPair node = ecKeys();
        X509Certificate c = sign(name, keys.getPrivate(), cn, node, false, notBefore);
        Path certFile = Files.writeString(dir.resolve(cn + "-cert.pem"), pem("CERTIFICATE", c.getEncoded()));
        return new Identity(certFile, writeKey(dir.resolve(cn + "-key.pem"), node.getPrivate()), ca);
    }

    /** Writes {@code key} as unencrypted PKCS#8 PEM, mode 0600. */
    public static Path writeKey(Path file, PrivateKey key) throws Exception {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
    }

    /** Concatenates PEM files into one bundle. */
    public static Path bundle(Path file, Path... pems) throws Exception {
        var text = new StringBuilder();
        for (Path p : pems) text.append(Files.readString(p));
        return Files.writeString(file, text);
    }

    private static KeyPair ecKeys() throws Exception {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(String issuer, PrivateKey issuerKey, String subject, KeyPair subjectKeys,
                                        boolean ca, Instant notBefore) throws Exception {
        var algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        var tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.incrementAndGet())));
        tbs.setIssuer(new X500Name("CN=" + issuer));
        tbs.setSubject(new X500Name("CN=" + subject));
        tbs.setStartDate(new Time(Date.from(notBefore.minus(Duration.ofMinutes(5)))));
        tbs.setEndDate(new Time(Date.from(notBefore.plus(Duration.ofDays(1)))));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
        tbs.setSignature(algorithm);
        var extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            extensions.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        }
        tbs.setExtensions(extensions.generate());
        var body = tbs.generateTBSCertificate();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKey);
        signer.update(body.getEncoded(ASN1Encoding.DER));
        var certificate = new ASN1EncodableVector();
        certificate.add(body);
        certificate.add(algorithm);
        certificate.add(new DERBitString(signer.sign()));
        byte[] der = new DERSequence(certificate).getEncoded(ASN1Encoding.DER);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
