package cairn.election.peer;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
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
 * keytool or openssl process per certificate, and no files.
 */
public final class TestPki {

    /** A node's certificate and key. */
    public record Identity(X509Certificate cert, PrivateKey key) {
        /** Its peer TLS, trusting {@code cas}. */
        public PeerTls peerTls(X509Certificate... cas) {
            return PeerTls.of(List.of(cert), key, List.of(cas));
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

    /** The CA certificate. */
    public X509Certificate cert() {
        return cert;
    }

    /** A node certificate {@code CN=cn} signed by this CA, valid for a day. */
    public Identity issue(String cn) throws Exception {
        return issue(cn, Instant.now());
    }

    /** As {@link #issue(String)}, valid for one day from {@code notBefore}. */
    public Identity issue(String cn, Instant notBefore) throws Exception {
        KeyPair node = ecKeys();
        return new Identity(sign(name, keys.getPrivate(), cn, node, false, notBefore), node.getPrivate());
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
}
