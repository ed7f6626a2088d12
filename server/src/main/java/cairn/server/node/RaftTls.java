package cairn.server.node;

import cairn.server.config.RaftTlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS on the raft channel. sofa-jraft 1.4.1 talks over sofa-bolt 1.6, whose server and client read
 * their SSL settings from {@code bolt.server.ssl.*} / {@code bolt.client.ssl.*} system properties when no
 * per-instance option is set: the server presents the keystore's key and requires a client certificate, the
 * client presents the same key and checks the server's, both against the keystore's trusted entries. So the
 * properties are set once, before the elector opens its RPC server and clients. The keystore is checked
 * here first, so a wrong path or password is a clear start-up error instead of a silent election failure.
 */
final class RaftTls {
    private static final Logger log = LoggerFactory.getLogger(RaftTls.class);

    private RaftTls() {}

    static void enable(RaftTlsConfig config) throws IOException {
        check(config);
        String path = config.keystore().toString();
        System.setProperty("bolt.server.ssl.enable", "true");
        System.setProperty("bolt.server.ssl.clientAuth", "true");
        System.setProperty("bolt.server.ssl.keystore", path);
        System.setProperty("bolt.server.ssl.keystore.password", config.password());
        System.setProperty("bolt.server.ssl.keystore.type", "PKCS12");
        System.setProperty("bolt.client.ssl.enable", "true");
        System.setProperty("bolt.client.ssl.keystore", path);
        System.setProperty("bolt.client.ssl.keystore.password", config.password());
        System.setProperty("bolt.client.ssl.keystore.type", "PKCS12");
        log.info("raft channel: mutual TLS with {}", path);
    }

    /** Loads the keystore: it must open with the password and hold a private key. */
    static void check(RaftTlsConfig config) throws IOException {
        try (InputStream in = Files.newInputStream(config.keystore())) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, config.password().toCharArray());
            boolean hasKey = false;
            for (String alias : Collections.list(keys.aliases())) hasKey |= keys.isKeyEntry(alias);
            if (!hasKey) throw new IOException("raft_tls.keystore " + config.keystore() + " holds no private key (this node's key and certificate)");
        } catch (GeneralSecurityException e) {
            throw new IOException("raft_tls.keystore " + config.keystore() + " cannot be read as PKCS#12 with the given password: " + e.getMessage(), e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("raft_tls.keystore " + config.keystore() + " does not exist", e);
        }
    }
}
