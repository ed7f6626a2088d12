package cairn.server.node;

import static cairn.protocols.nbd.NbdProtocol.REP_ERR_TLS_REQD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cairn.engine.testing.Await;
import cairn.protocols.nbd.NbdDevices;
import cairn.protocols.nbd.client.NbdClient;
import cairn.protocols.nbd.client.NbdErrorException;
import cairn.server.cli.CliTest;
import cairn.server.cli.ExitCodes;
import cairn.server.config.ConfigException;
import cairn.server.config.ConfigLoader;
import cairn.server.config.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [servers.nbd]} TLS keys from a config file reach the NBD server of a running node, seen through our
 * Java {@link NbdClient}: required, optional, a client trusting the wrong CA, mutual TLS, an HA node after its
 * promotion, bad files at start-up.
 * The real clients (nbdinfo, nbdcopy) are in {@link NbdTlsRealClientsTest}.
 */
@Timeout(180)
class NbdTlsNodeTest {
    static final String EXPORT = "disk";
    private static TestPki pki;
    private static TestPki otherPki;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki(@TempDir Path pkiDir) throws Exception {
        pki = new TestPki(pkiDir.resolve("cairn"), "cairn");
        otherPki = new TestPki(pkiDir.resolve("other"), "other");
    }

    /** A node with one 8 MiB export {@value #EXPORT}; {@code nbdKeys} go into {@code [servers.nbd]}. */
    static Node startNode(Path dir, String nbdKeys) throws Exception {
        Node node = Node.start(new ConfigLoader(Map.of()).read(writeConfig(dir, nbdKeys)), false);
        try {
            NbdDevices.create(node.fileSystem().orElseThrow(), EXPORT, 8 << 20);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private static Path writeConfig(Path dir, String nbdKeys) throws IOException {
        return Files.writeString(dir.resolve("cairn.toml"), """
                [storage]
                url = "file://store"
                password = "nbd-tls-test"
                [cache]
                dir = "cache"
                disk_size_gb = 0
                memory_size_gb = 0.05
                [servers.nbd]
                addresses = ["127.0.0.1:0"]
                """ + nbdKeys);
    }

    static InetSocketAddress nbdAddress(Node node) {
        String where = node.status().listeners().stream().filter(l -> l.service().equals("nbd")).findFirst().orElseThrow().address();
        return HostPort.parse(where).toSocketAddress();
    }

    static String tlsKeys(String mode, TestPki serverPki) {
        return "tls = \"" + mode + "\"\ntls_cert = \"" + serverPki.serverCert() + "\"\ntls_key = \"" + serverPki.serverKey() + "\"\n";
    }

    private static NbdClient connect(InetSocketAddress address, SSLContext tls) throws IOException {
        return NbdClient.connect(address, NbdClient.Options.of(EXPORT).withTls(tls));
    }

    /** Writes seeded bytes at {@code offset} through one client, flushes, reads them back through another. */
    private static void writeThenRead(NbdClient writer, NbdClient reader, long offset, int seed) throws Exception {
        byte[] data = new byte[256 << 10];
        new Random(seed).nextBytes(data);
        writer.write(offset, data).get();
        writer.flush().get();
        assertArrayEquals(data, reader.read(offset, data.length).get());
    }

    @Test
    void requiredTlsServesTlsClientsAndRefusesPlainOnes() throws Exception {
        try (Node node = startNode(dir, tlsKeys("required", pki))) {
            InetSocketAddress address = nbdAddress(node);
            try (NbdClient client = connect(address, TestPki.client(pki, null))) {
                writeThenRead(client, client, 1 << 20, 1);
            }
            var go = assertThrows(NbdErrorException.class, () -> NbdClient.connect(address, NbdClient.Options.of(EXPORT)));
            assertEquals(REP_ERR_TLS_REQD, go.error(), go.getMessage());
            var list = assertThrows(NbdErrorException.class, () -> NbdClient.list(address));
            assertEquals(REP_ERR_TLS_REQD, list.error(), list.getMessage());
            // EXPORT_NAME has no error reply: the server must hang up instead of serving in clear.
            assertThrows(IOException.class, () -> NbdClient.connect(address, NbdClient.Options.of(EXPORT).legacy()));
        }
    }

    @Test
    void optionalTlsServesTlsAndPlainClientsTheSameDisk() throws Exception {
        try (Node node = startNode(dir, tlsKeys("optional", pki));
             NbdClient tls = connect(nbdAddress(node), TestPki.client(pki, null));
             NbdClient plain = NbdClient.connect(nbdAddress(node), NbdClient.Options.of(EXPORT))) {
            writeThenRead(tls, plain, 0, 2);
            writeThenRead(plain, tls, 4 << 20, 3);
        }
    }

    @Test
    void aClientTrustingAnotherCaFailsAndTheServerKeepsServing() throws Exception {
        try (Node node = startNode(dir, tlsKeys("required", pki));
             NbdClient before = connect(nbdAddress(node), TestPki.client(pki, null))) {
            InetSocketAddress address = nbdAddress(node);
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> connect(address, TestPki.client(otherPki, null)));
            try (NbdClient after = connect(address, TestPki.client(pki, null))) {
                writeThenRead(before, after, 0, 4);
            }
        }
    }

    @Test
    void mutualTlsNeedsAClientCertificateFromTheConfiguredCa() throws Exception {
        String keys = tlsKeys("required", pki) + "tls_ca = \"" + pki.caCert() + "\"\n";
        try (Node node = startNode(dir, keys)) {
            InetSocketAddress address = nbdAddress(node);
            assertThrows(IOException.class, () -> connect(address, TestPki.client(pki, null)).close(), "no client certificate");
            assertThrows(IOException.class, () -> connect(address, TestPki.client(pki, otherPki)).close(), "certificate from another CA");
            try (NbdClient client = connect(address, TestPki.client(pki, pki))) {
                writeThenRead(client, client, 0, 5);
            }
        }
    }

    @Test
    void anHaNodeServesTlsOnceItIsPromoted() throws Exception {
        String keys = tlsKeys("required", pki) + """
                [ha]
                node_id = "a"
                mode = "lease"
                lease_ms = 5000
                grace_ms = 0
                poll_interval_ms = 50
                """;
        try (Node node = Node.start(new ConfigLoader(Map.of()).read(writeConfig(dir, keys)), false)) {
            Await.until("the node leads and serves NBD", Duration.ofSeconds(120),
                    () -> node.status().leader() && node.status().listeners().stream().anyMatch(l -> l.service().equals("nbd")));
            NbdDevices.create(node.fileSystem().orElseThrow(), EXPORT, 8 << 20);
            InetSocketAddress address = nbdAddress(node);
            try (NbdClient client = connect(address, TestPki.client(pki, null))) {
                writeThenRead(client, client, 0, 6);
            }
            var plain = assertThrows(NbdErrorException.class, () -> NbdClient.connect(address, NbdClient.Options.of(EXPORT)));
            assertEquals(REP_ERR_TLS_REQD, plain.error(), plain.getMessage());
        }
    }

    @Test
    void startUpStopsWithAClearErrorOnAMissingOrMismatchedKey() throws Exception {
        Path missing = dir.resolve("missing-key.pem");
        String noKey = "tls = \"required\"\ntls_cert = \"" + pki.serverCert() + "\"\ntls_key = \"" + missing + "\"\n";
        var e = assertThrows(ConfigException.class, () -> startNode(dir, noKey).close());
        assertEquals(dir.resolve("cairn.toml") + ": servers.nbd.tls_key: " + missing + ": no such file", e.getMessage());
        var cli = CliTest.run("run", "-c", writeConfig(dir, noKey).toString());
        assertEquals(ExitCodes.CONFIG, cli.exit(), cli.err());
        assertEquals("cairn: config: " + e.getMessage(), cli.err().strip());

        Path otherKey = otherPki.serverKey();
        String wrongKey = "tls = \"optional\"\ntls_cert = \"" + pki.serverCert() + "\"\ntls_key = \"" + otherKey + "\"\n";
        var mismatch = assertThrows(ConfigException.class, () -> startNode(dir, wrongKey).close());
        assertEquals(dir.resolve("cairn.toml") + ": servers.nbd.tls_key: " + otherKey
                + ": does not match the certificate in servers.nbd.tls_cert (CN=localhost)", mismatch.getMessage());
    }
}
