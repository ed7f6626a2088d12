package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cairn.server.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys as operators have them (PKCS#8, PKCS#1, SEC1), and the errors for bad ones. */
class PemFilesTest {
    private static final String KEY = "servers.nbd.tls_key";
    private static final PemFiles PEM = new PemFiles("cairn.toml");
    private static TestPki pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki(@TempDir Path pkiDir) throws Exception {
        pki = new TestPki(pkiDir, "pem");
    }

    private String error(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void pkcs8AndSec1EcKeysLoadAndMatchTheirCertificate() throws Exception {
        var cert = PEM.certificates("servers.nbd.tls_cert", pki.serverCert()).get(0);
        var pkcs8 = PEM.privateKey(KEY, pki.serverKey());
        PEM.checkPair("servers.nbd.tls_cert", cert, KEY, pki.serverKey(), pkcs8);

        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pki.serverKeys().getPrivate().getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        Path sec1File = Files.writeString(dir.resolve("sec1.pem"), cairn.engine.testing.TestCa.pem("EC PRIVATE KEY", sec1.getEncoded()));
        var fromSec1 = PEM.privateKey(KEY, sec1File);
        assertEquals(((ECPrivateKey) pki.serverKeys().getPrivate()).getS(), ((ECPrivateKey) fromSec1).getS());
        PEM.checkPair("servers.nbd.tls_cert", cert, KEY, sec1File, fromSec1);
    }

    @Test
    void pkcs1RsaKeyLoads() throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var rsa = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        byte[] pkcs1 = PrivateKeyInfo.getInstance(rsa.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
        Path file = Files.writeString(dir.resolve("rsa.pem"), cairn.engine.testing.TestCa.pem("RSA PRIVATE KEY", pkcs1));
        assertEquals(rsa.getModulus(), ((RSAPrivateCrtKey) PEM.privateKey(KEY, file)).getModulus());
    }

    @Test
    void badFilesGiveErrorsNamingKeyFileAndCause() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertEquals("cairn.toml: servers.nbd.tls_key: " + missing + ": no such file", error(() -> PEM.privateKey(KEY, missing)));

        var cert = PEM.certificates("servers.nbd.tls_cert", pki.serverCert()).get(0);
        Path clientKey = pki.clientDir().resolve("client-key.pem");
        String mismatch = error(() -> PEM.checkPair("servers.nbd.tls_cert", cert, KEY, clientKey, PEM.privateKey(KEY, clientKey)));
        assertEquals("cairn.toml: servers.nbd.tls_key: " + clientKey + ": does not match the certificate in servers.nbd.tls_cert (CN=localhost)", mismatch);

        Path encrypted = Files.writeString(dir.resolve("enc.pem"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertEquals("cairn.toml: servers.nbd.tls_key: " + encrypted + ": the key is encrypted; store it unencrypted with mode 0600 "
                + "(openssl pkey -in KEY -out KEY.plain)", error(() -> PEM.privateKey(KEY, encrypted)));

        Path certAsKey = pki.serverCert();
        assertEquals("cairn.toml: servers.nbd.tls_key: " + certAsKey + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it",
                error(() -> PEM.privateKey(KEY, certAsKey)));

        Path keyAsCert = pki.serverKey();
        assertEquals("cairn.toml: servers.nbd.tls_cert: " + keyAsCert + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it",
                error(() -> PEM.certificates("servers.nbd.tls_cert", keyAsCert)));

        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        String bad = error(() -> PEM.privateKey(KEY, garbage));
        assertEquals("cairn.toml: servers.nbd.tls_key: " + garbage + ": not an RSA, EC or EdDSA private key this JVM can use", bad);
    }
}
