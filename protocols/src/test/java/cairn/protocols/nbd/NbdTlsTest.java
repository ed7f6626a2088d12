package cairn.protocols.nbd;

import cairn.protocols.nbd.client.NbdClient;
import cairn.protocols.nbd.client.NbdErrorException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import static cairn.protocols.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

/** STARTTLS with a self-signed certificate, in required and optional mode. */
class NbdTlsTest {
    private static SelfSignedCert cert;

    @BeforeAll
    static void makeCert(@TempDir Path dir) throws Exception {
        cert = new SelfSignedCert(dir);
    }

    private static void roundTrip(NbdClient client) throws Exception {
        byte[] data = new byte[65536];
        new Random(3).nextBytes(data);
        client.write(4096, data).get();
        client.flush().get();
        assertArrayEquals(data, client.read(4096, data.length).get());
        assertEquals(1, client.blockStatus(0, 4096, 0).get().size());
    }

    @Test
    void requiredTlsServesTlsClientsAndRefusesPlaintext() throws Exception {
        try (TestServer server = new TestServer(NbdOptions.defaults().withTls(cert.server(), true))) {
            try (NbdClient client = NbdClient.connect(server.address(),
                    NbdClient.Options.of(TestServer.EXPORT).withTls(cert.client()))) {
                roundTrip(client);
            }
            var refused = assertThrows(NbdErrorException.class,
                    () -> NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT)));
            assertEquals(REP_ERR_TLS_REQD, refused.error());
            try (RawNbd raw = new RawNbd(server.address)) {
                raw.greet(FLAG_C_FIXED_NEWSTYLE);
                raw.option(OPT_LIST, new byte[0]);
                assertEquals(REP_ERR_TLS_REQD, raw.reply().type());
                raw.option(OPT_EXPORT_NAME, "disk".getBytes(StandardCharsets.UTF_8));
                assertTrue(raw.closedByServer(), "EXPORT_NAME cannot be refused politely: hard disconnect");
            }
        }
    }

    @Test
    void optionalTlsServesBoth() throws Exception {
        try (TestServer server = new TestServer(NbdOptions.defaults().withTls(cert.server(), false))) {
            try (NbdClient tls = NbdClient.connect(server.address(),
                    NbdClient.Options.of(TestServer.EXPORT).withTls(cert.client()));
                 NbdClient plain = NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT))) {
                roundTrip(tls);
                roundTrip(plain);
            }
        }
    }

    @Test
    void plaintextSentRightAfterStartTlsIsRefused() throws Exception {
        try (TestServer server = new TestServer(NbdOptions.defaults().withTls(cert.server(), true));
             RawNbd raw = new RawNbd(server.address)) {
            raw.greet(FLAG_C_FIXED_NEWSTYLE);
            // STARTTLS and, in the same write, a plaintext option that must not be obeyed.
            java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
            var out = new java.io.DataOutputStream(both);
            out.writeLong(IHAVEOPT);
            out.writeInt(OPT_STARTTLS);
            out.writeInt(0);
            out.writeLong(IHAVEOPT);
            out.writeInt(OPT_LIST);
            out.writeInt(0);
            raw.out.write(both.toByteArray());
            raw.out.flush();
            assertEquals(REP_ACK, raw.reply().type());
            assertTrue(raw.closedByServer());
        }
    }
}
