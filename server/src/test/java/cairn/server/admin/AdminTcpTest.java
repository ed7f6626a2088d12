package cairn.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.server.cli.CliTest;
import cairn.server.cli.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCP admin endpoint: bearer token, TLS, and hostile or broken clients that must not disturb the others. */
class AdminTcpTest {
    private static final String TOKEN = "s3cr3t-admin-token-0123456789";
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    static Path dir;
    private static TestCert cert;
    private static Path tokenFile;

    private final AtomicInteger handled = new AtomicInteger();
    private final AdminRouter router = new AdminRouter().register("nbd.list", args -> {
        handled.incrementAndGet();
        return List.of();
    });

    @BeforeAll
    static void files() throws Exception {
        cert = TestCert.create(dir, "admin");
        tokenFile = privateFile("admin.token", TOKEN + "\n");
    }

    private static Path privateFile(String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private AdminServer tlsServer() throws IOException {
        return AdminServer.startTcp(ANY_LOOPBACK_PORT, TOKEN.getBytes(StandardCharsets.UTF_8),
                AdminTls.server(java.util.List.of(cert.cert()), cert.key()), router);
    }

    private AdminServer plainServer() throws IOException {
        return AdminServer.startTcp(ANY_LOOPBACK_PORT, TOKEN.getBytes(StandardCharsets.UTF_8), null, router);
    }

    private static SSLContext trustingTheCert() throws IOException {
        return AdminTls.client(cert.certPem());
    }

    @Test
    void tlsWithTheRightTokenIsServed() throws Exception {
        try (var server = tlsServer()) {
            var answer = AdminClient.tcp(server.tcpAddress(), TOKEN, trustingTheCert()).call("nbd.list", Map.of());
            assertEquals(true, answer.get("ok"), answer.toString());
            assertEquals(1, handled.get());
        }
    }

    @Test
    void aWrongTokenIsRefusedBeforeTheCommandRuns() throws Exception {
        try (var server = tlsServer()) {
            var answer = AdminClient.tcp(server.tcpAddress(), TOKEN + "x", trustingTheCert()).call("nbd.list", Map.of());
            assertEquals("UNAUTHORIZED", answer.get("code"), answer.toString());
            assertEquals(0, handled.get());
        }
    }

    @Test
    void noTokenIsRefused() throws Exception {
        try (var server = plainServer(); var socket = connect(server)) {
            send(socket, "{\"command\":\"nbd.list\",\"args\":{}}\n");
            assertEquals("UNAUTHORIZED", Json.parseObject(readAnswer(socket)).get("code"));
            assertEquals(0, handled.get());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws Exception {
        try (var server = tlsServer()) {
            var other = TestCert.create(Files.createTempDirectory(dir, "other"), "other");
            var e = assertThrows(IOException.class,
                    () -> AdminClient.tcp(server.tcpAddress(), TOKEN, AdminTls.client(other.certPem())).call("nbd.list", Map.of()));
            assertTrue(e.getMessage().startsWith("TLS with "), e.getMessage());
            assertEquals(0, handled.get());
        }
    }

    @Test
    void brokenClientsAreClosedWhileOthersAreServed() throws Exception {
        try (var server = tlsServer();
             var silent = connect(server);          // connects and never sends: holds a slot until the read timeout
             var plaintext = connect(server);       // speaks plain text to the TLS endpoint
             var tooLong = connect(server)) {       // sends more than a line may hold (after a proper handshake below)
            send(plaintext, "{\"command\":\"nbd.list\"}\n");
            assertEquals(-1, drain(plaintext), "plain text on the TLS port: connection closed");

            var secure = (javax.net.ssl.SSLSocket) trustingTheCert().getSocketFactory()
                    .createSocket(tooLong, "127.0.0.1", server.tcpAddress().getPort(), true);
            secure.startHandshake();
            byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < 64; i++) send(secure, chunk); // 512 KiB without a newline
            } catch (IOException expected) {
                // the server closed the connection while we were still writing
            }
            assertEquals(-1, drain(secure), "over-long line: connection closed");
            for (int i = 0; i < 3; i++) {
                var answer = AdminClient.tcp(server.tcpAddress(), TOKEN, trustingTheCert()).call("nbd.list", Map.of());
                assertEquals(true, answer.get("ok"), "served while a silent client holds its connection");
            }
        }
    }

    @Test
    void garbageLinesGetBadRequest() throws Exception {
        try (var server = plainServer(); var socket = connect(server)) {
            send(socket, "{\"token\": \n");
            assertEquals("BAD_REQUEST", Json.parseObject(readAnswer(socket)).get("code"));
        }
    }

    @Test
    void theTokenFileMustBePrivate() throws Exception {
        Path open = Files.writeString(dir.resolve("open.token"), TOKEN);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(IOException.class, () -> TokenFile.read(open));
        assertTrue(e.getMessage().contains("must be readable by its owner only (chmod 600"), e.getMessage());
        var tooShort = assertThrows(IOException.class, () -> TokenFile.read(privateFile("short.token", "abc")));
        assertTrue(tooShort.getMessage().contains("16+ printable ASCII"), tooShort.getMessage());
        assertEquals(TOKEN, TokenFile.read(tokenFile));
    }

    @Test
    void theCliTalksToTheTcpEndpoint() throws Exception {
        try (var server = tlsServer()) {
            String address = "127.0.0.1:" + server.tcpAddress().getPort();
            var ok = CliTest.run("nbd", "list", "--admin", address, "--token-file", tokenFile.toString(), "--tls-ca", cert.certPem().toString());
            assertEquals(0, ok.exit(), ok.toString());
            assertEquals("no NBD devices", ok.out().strip());
            var noToken = CliTest.run("nbd", "list", "--admin", address);
            assertEquals(ExitCodes.USAGE, noToken.exit(), noToken.toString());
            Path wrong = privateFile("wrong.token", TOKEN + "-wrong");
            var refused = CliTest.run("nbd", "list", "--admin", address, "--token-file", wrong.toString(), "--tls-ca", cert.certPem().toString());
            assertEquals(ExitCodes.FAILED, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("permission denied"), refused.toString());
        }
    }

    private static Socket connect(AdminServer server) throws IOException {
        var socket = new Socket();
        socket.connect(server.tcpAddress(), 10_000);
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        send(socket, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    private static String readAnswer(Socket socket) throws IOException {
        var line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) line.append((char) c);
        return line.toString();
    }

    /** Reads until the server closes (end of stream or reset) and returns -1; fails if it stays open. */
    private static int drain(Socket socket) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            InputStream in = socket.getInputStream();
            while (in.read(buffer) >= 0) {
                // discard whatever the server sends before closing (e.g. a TLS alert)
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open", e);
        } catch (java.net.SocketException | javax.net.ssl.SSLException e) {
            // reset by the server: closed as well
        }
        return -1;
    }
}
