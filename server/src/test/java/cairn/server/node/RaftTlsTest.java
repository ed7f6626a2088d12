package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cairn.election.Elector;
import cairn.election.RaftElector;
import cairn.election.RaftPeer;
import cairn.server.config.RaftTlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [raft_tls]}: three raft electors elect a leader over mutual TLS, and the raft port refuses a TLS
 * client whose certificate the cluster does not trust.
 */
class RaftTlsTest {
    private static final String PASSWORD = "raft-secret";

    @TempDir
    Path dir;

    private final List<RaftElector> electors = new ArrayList<>();
    private final Map<String, Boolean> leading = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        electors.forEach(RaftElector::close);
        for (String name : List.copyOf(System.getProperties().stringPropertyNames())) {
            if (name.startsWith("bolt.server.ssl.") || name.startsWith("bolt.client.ssl.")) System.clearProperty(name);
        }
    }

    @Test
    void aWrongPasswordOrMissingKeystoreIsAClearError() throws Exception {
        Path keystore = keystore("cluster");
        var wrong = assertThrows(IOException.class, () -> RaftTls.check(new RaftTlsConfig(keystore, "nope")));
        assertTrue(wrong.getMessage().contains("cannot be read as PKCS#12 with the given password"), wrong.getMessage());
        var missing = assertThrows(IOException.class, () -> RaftTls.check(new RaftTlsConfig(dir.resolve("none.p12"), PASSWORD)));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void electorsElectOverMutualTlsAndStrangersAreRefused() throws Exception {
        Path cluster = keystore("cluster");
        RaftTls.enable(new RaftTlsConfig(cluster, PASSWORD));
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) peers.add(new RaftPeer("n" + i, "127.0.0.1:" + freePort(), "127.0.0.1:0"));
        for (RaftPeer p : peers) {
            var e = new RaftElector(p, peers, Files.createDirectories(dir.resolve(p.nodeId())), 1000, false);
            electors.add(e);
            e.start(new Elector.Listener() {
                @Override
                public void elected(long term) {
                    leading.put(p.nodeId(), true);
                }

                @Override
                public void deposed(String reason) {
                    leading.put(p.nodeId(), false);
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (leading.values().stream().noneMatch(Boolean::booleanValue)) {
            if (System.nanoTime() > deadline) fail("no raft leader over TLS within 90 s");
            Thread.sleep(50); // polling interval while waiting for a condition with a deadline
        }

        String[] hostPort = peers.get(0).raftAddress().split(":");
        var address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        assertDoesNotThrow(() -> handshake(address, cluster), "a member's certificate is accepted");
        Path stranger = keystore("stranger");
        assertThrows(IOException.class, () -> handshake(address, stranger), "a certificate the cluster does not trust is refused");
    }

    /** A TLS handshake with the raft port presenting (and trusting) the certificate in {@code keystore}. */
    private static void handshake(InetSocketAddress address, Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (var plain = new Socket()) {
            plain.connect(address, 10_000);
            plain.setSoTimeout(30_000);
            try (var tls = (SSLSocket) context.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), false)) {
                // TLS 1.2: the server judges the client certificate before its Finished, so startHandshake fails
                // on refusal (with 1.3 the verdict would only surface on a later read)
                tls.setEnabledProtocols(new String[] {"TLSv1.2"});
                tls.startHandshake();
            }
        }
    }

    private Path keystore(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool: " + out);
        return store;
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
