package cairn.engine.testing;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V2TBSCertListGenerator;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A throwaway certificate authority for TLS tests (EC P-256, made in-process with BouncyCastle's ASN.1
 * classes: no keytool or openssl). Certificates carry the extensions GnuTLS checks (basic constraints, key
 * usage, extended key usage; server certificates name 127.0.0.1 and localhost).
 */
public final class TestCa {
    /** What an issued certificate is for. */
    public enum Usage { SERVER, CLIENT, PEER }

    /** An issued certificate and its key pair. */
    public record Issued(X509Certificate cert, KeyPair keys) {
        public String certPem() throws Exception {
            return pem("CERTIFICATE", cert.getEncoded());
        }

        /** The private key as openssl writes PKCS#8 (see {@link #pkcs8}). */
        public String keyPem() throws Exception {
            return pem("PRIVATE KEY", pkcs8(keys));
        }
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    private static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    private final X500Name name;
    private final KeyPair keys;
    private final X509Certificate cert;

    private TestCa(X500Name name, KeyPair keys, X509Certificate cert) {
        this.name = name;
        this.keys = keys;
        this.cert = cert;
    }

    /** A new self-signed CA {@code CN=name}, valid from a day ago for a month. */
    public static TestCa create(String name) throws Exception {
        KeyPair keys = ecKeys();
        X500Name x500 = new X500Name("CN=" + name);
        Instant now = Instant.now();
        return new TestCa(x500, keys, sign(x500, x500, keys, keys.getPrivate(), null, List.of(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
    }

    public X509Certificate cert() {
        return cert;
    }

    public String certPem() throws Exception {
        return pem("CERTIFICATE", cert.getEncoded());
    }

    /** A certificate {@code CN=cn} for {@code usage}, valid from a day ago for a month. */
    public Issued issue(String cn, Usage usage) throws Exception {
        Instant now = Instant.now();
        return issue(cn, usage, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** A certificate {@code CN=cn} for {@code usage}, valid from {@code notBefore} to {@code notAfter}. */
    public Issued issue(String cn, Usage usage, Instant notBefore, Instant notAfter) throws Exception {
        return issue(cn, usage, notBefore, notAfter, List.of());
    }

    /** As {@link #issue(String, Usage, Instant, Instant)}, also naming {@code dnsNames} as subject alternative names. */
    public Issued issue(String cn, Usage usage, Instant notBefore, Instant notAfter, List<String> dnsNames) throws Exception {
        KeyPair subject = ecKeys();
        return new Issued(sign(name, new X500Name("CN=" + cn), subject, keys.getPrivate(), usage, dnsNames, notBefore, notAfter), subject);
    }

    /** An intermediate CA {@code CN=name} signed by this one, valid from a day ago for a month. */
    public TestCa intermediate(String name) throws Exception {
        KeyPair subject = ecKeys();
        X500Name x500 = new X500Name("CN=" + name);
        Instant now = Instant.now();
        return new TestCa(x500, subject, sign(this.name, x500, subject, keys.getPrivate(), null, List.of(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
    }

    /** A CRL of this CA listing {@code revoked} (revoked an hour ago), issued at {@code thisUpdate}. */
    public X509CRL crl(Instant thisUpdate, Instant nextUpdate, List<X509Certificate> revoked) throws Exception {
        var tbs = new V2TBSCertListGenerator();
        tbs.setSignature(ECDSA_SHA256);
        tbs.setIssuer(name);
        tbs.setThisUpdate(new Time(Date.from(thisUpdate)));
        tbs.setNextUpdate(new Time(Date.from(nextUpdate)));
        for (X509Certificate c : revoked) {
            tbs.addCRLEntry(new ASN1Integer(c.getSerialNumber()), new Time(Date.from(Instant.now().minus(Duration.ofHours(1)))),
                    CRLReason.keyCompromise);
        }
        byte[] der = signed(tbs.generateTBSCertList(), keys.getPrivate());
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

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

    /** An X.509 v3 certificate; {@code usage} null makes a CA certificate. */
    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair subjectKeys, PrivateKey issuerKey,
                                        Usage usage, List<String> dnsNames, Instant notBefore, Instant notAfter) throws Exception {
        var tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.incrementAndGet())));
        tbs.setIssuer(issuer);
        tbs.setSubject(subject);
        tbs.setStartDate(new Time(Date.from(notBefore)));
        tbs.setEndDate(new Time(Date.from(notAfter)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
        tbs.setSignature(ECDSA_SHA256);
        var extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(usage == null));
        if (usage == null) {
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            KeyPurposeId[] purposes = switch (usage) {
                case SERVER -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
                case CLIENT -> new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
                case PEER -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
            };
            extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            if (usage == Usage.SERVER) {
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            } else if (!dnsNames.isEmpty()) {
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
        }
        tbs.setExtensions(extensions.generate());
        byte[] der = signed(tbs.generateTBSCertificate(), issuerKey);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** {@code body} with its ECDSA-SHA256 signature by {@code key}: a certificate or a CRL, DER. */
    private static byte[] signed(org.bouncycastle.asn1.ASN1Object body, PrivateKey key) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(body.getEncoded(ASN1Encoding.DER));
        var whole = new ASN1EncodableVector();
        whole.add(body);
        whole.add(ECDSA_SHA256);
        whole.add(new DERBitString(signer.sign()));
        return new DERSequence(whole).getEncoded(ASN1Encoding.DER);
    }
}
