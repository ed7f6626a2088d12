package cairn.server.node;

import cairn.server.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Certificates and private keys from PEM files named in the config, with errors that say which key, which file
 * and what to do. Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} writes),
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}, what older openssl and
 * GnuTLS's certtool write); encrypted keys are refused (the server has no one to ask for a passphrase).
 */
final class PemFiles {
    private static final int FILE_BYTES_MAX = 1 << 20;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private final String source;

    /** @param source the config file, to prefix errors with */
    PemFiles(String source) {
        this.source = source;
    }

    /** Every certificate in the file, in order (a chain: the leaf first). At least one. */
    List<X509Certificate> certificates(String key, Path file) {
        String text = read(key, file);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) throw error(key, file, "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        try {
            var factory = CertificateFactory.getInstance("X.509");
            var out = new ArrayList<X509Certificate>();
            for (var c : factory.generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw error(key, file, "not a PEM certificate file: " + e.getMessage());
        }
    }

    /** The one private key in the file. */
    PrivateKey privateKey(String key, Path file) {
        String text = read(key, file);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.contains("ENCRYPTED") || m.group(2).contains("Proc-Type: 4,ENCRYPTED")) {
                throw error(key, file, "the key is encrypted; store it unencrypted with mode 0600 "
                        + "(openssl pkey -in KEY -out KEY.plain)");
            }
            if (!type.endsWith("PRIVATE KEY")) continue; // e.g. EC PARAMETERS before an EC key
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw error(key, file, "bad base64 in the " + type + " block");
            }
            return decode(key, file, type, der);
        }
        throw error(key, file, "no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
    }

    /** Fails unless {@code certificate} holds the public half of {@code privateKey} (a signature check). */
    void checkPair(String certKey, X509Certificate certificate, String keyKey, Path keyFile, PrivateKey privateKey) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> privateKey.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) return; // no cheap check for this key type; the TLS handshake will tell
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (verifier.verify(signature)) return;
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: same answer as a mismatch
        }
        throw error(keyKey, keyFile, "does not match the certificate in " + certKey + " (" + certificate.getSubjectX500Principal() + ")");
    }

    private PrivateKey decode(String key, Path file, String type, byte[] der) {
        byte[] pkcs8;
        try {
            pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> new PrivateKeyInfo(
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        RSAPrivateKey.getInstance(der)).getEncoded();
                case "EC PRIVATE KEY" -> {
                    ECPrivateKey sec1 = ECPrivateKey.getInstance(der);
                    ASN1Encodable curve = sec1.getParametersObject();
                    if (curve == null) throw error(key, file, "the EC key does not name its curve");
                    yield new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1).getEncoded();
                }
                default -> throw error(key, file, "unsupported key type '" + type + "' (PKCS#8 PRIVATE KEY, RSA or EC expected)");
            };
        } catch (IOException | IllegalArgumentException e) {
            throw error(key, file, "malformed " + type + ": " + e.getMessage());
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw error(key, file, "not an RSA, EC or EdDSA private key this JVM can use");
    }

    private String read(String key, Path file) {
        try {
            if (Files.size(file) > FILE_BYTES_MAX) throw error(key, file, "larger than 1 MiB, not a PEM file");
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw error(key, file, "no such file");
        } catch (AccessDeniedException e) {
            throw error(key, file, "permission denied (it must be readable by the user cairn runs as)");
        } catch (IOException e) {
            throw error(key, file, "cannot read: " + e.getMessage());
        }
    }

    private ConfigException error(String key, Path file, String reason) {
        return new ConfigException(source + ": " + key + ": " + file + ": " + reason);
    }
}
