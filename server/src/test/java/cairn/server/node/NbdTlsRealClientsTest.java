package cairn.server.node;

import static cairn.server.node.NbdTlsNodeTest.EXPORT;
import static cairn.server.node.NbdTlsNodeTest.nbdAddress;
import static cairn.server.node.NbdTlsNodeTest.startNode;
import static cairn.server.node.NbdTlsNodeTest.tlsKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cairn.protocols.nbd.NbdDevices;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * libnbd's real clients (GnuTLS) against a node whose {@code [servers.nbd]} requires TLS: {@code nbdinfo} and
 * {@code nbdcopy} over {@code nbds://} with libnbd's {@code tls-certificates} directory, plain and wrong-CA
 * clients refused, mutual TLS with {@code client-cert.pem}. Skips when libnbd-bin is not installed.
 */
@Timeout(300)
class NbdTlsRealClientsTest {
    private static final long TOOL_TIMEOUT_S = 120;
    private static TestPki pki;
    private static TestPki otherPki;

    @TempDir
    Path dir;

    @BeforeAll
    static void toolsAndPki(@TempDir Path pkiDir) throws Exception {
        for (String tool : List.of("nbdinfo", "nbdcopy")) {
            boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
            assumeTrue(found, tool + " not installed (apt-get install libnbd-bin); skipping");
        }
        pki = new TestPki(pkiDir.resolve("cairn"), "cairn");
        otherPki = new TestPki(pkiDir.resolve("other"), "other");
    }

    private record Run(int exit, String output) {}

    private static Run run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Output is small; reading it to EOF also waits for the process (bounded by the timeout below).
        var output = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                output.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                output.completeExceptionally(e);
            }
        });
        if (!p.waitFor(TOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + TOOL_TIMEOUT_S + " s");
        }
        return new Run(p.exitValue(), output.get(TOOL_TIMEOUT_S, TimeUnit.SECONDS));
    }

    private static String nbds(Node node, String export, Path certificates) {
        return "nbds://127.0.0.1:" + nbdAddress(node).getPort() + "/" + export + "?tls-certificates=" + certificates;
    }

    /** A libnbd certificates directory holding only {@code ca-cert.pem} (no client certificate). */
    private Path caOnly(TestPki ca) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("ca-only-" + ca.caCert().getParent().getFileName()));
        Files.copy(ca.caCert(), certs.resolve("ca-cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return certs;
    }

    @Test
    void nbdinfoAndNbdcopyOverRequiredTls() throws Exception {
        try (Node node = startNode(dir, tlsKeys("required", pki))) {
            Run info = run("nbdinfo", nbds(node, EXPORT, caOnly(pki)));
            assertEquals(0, info.exit(), info.output());
            assertTrue(info.output().contains(Long.toString(8 << 20)), info.output());

            // 4 MiB of seeded random bytes in through TLS, then out again through TLS: byte for byte the same.
            NbdDevices.create(node.fileSystem().orElseThrow(), "copy", 4 << 20);
            byte[] data = new byte[4 << 20];
            new Random(11).nextBytes(data);
            Path in = Files.write(dir.resolve("in.img"), data);
            Path out = dir.resolve("out.img");
            Run copyIn = run("nbdcopy", in.toString(), nbds(node, "copy", caOnly(pki)));
            assertEquals(0, copyIn.exit(), copyIn.output());
            Run copyOut = run("nbdcopy", nbds(node, "copy", caOnly(pki)), out.toString());
            assertEquals(0, copyOut.exit(), copyOut.output());
            assertEquals(-1, Arrays.mismatch(data, Files.readAllBytes(out)), "bytes differ after nbdcopy in and out over TLS");
        }
    }

    @Test
    void qemuImgWithTlsCredsX509() throws Exception {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-img")));
        assumeTrue(found, "qemu-img not installed (apt-get install qemu-utils); skipping");
        String keys = tlsKeys("required", pki) + "tls_ca = \"" + pki.caCert() + "\"\n";
        try (Node node = startNode(dir, keys)) {
            // qemu's x509 directory has libnbd's layout: ca-cert.pem, client-cert.pem, client-key.pem.
            Run info = run("qemu-img", "info", "--object", "tls-creds-x509,id=tls0,dir=" + pki.clientDir() + ",endpoint=client",
                    "--image-opts", "driver=nbd,host=127.0.0.1,port=" + nbdAddress(node).getPort() + ",export=" + EXPORT + ",tls-creds=tls0");
            assertEquals(0, info.exit(), info.output());
            assertTrue(info.output().contains("8 MiB"), info.output());
        }
    }

    @Test
    void plainAndWrongCaClientsAreRefusedAndTheServerKeepsServing() throws Exception {
        try (Node node = startNode(dir, tlsKeys("required", pki))) {
            Run plain = run("nbdinfo", "nbd://127.0.0.1:" + nbdAddress(node).getPort() + "/" + EXPORT);
            assertNotEquals(0, plain.exit(), plain.output());
            assertTrue(plain.output().toLowerCase(java.util.Locale.ROOT).contains("tls"), plain.output());

            Run wrongCa = run("nbdinfo", nbds(node, EXPORT, caOnly(otherPki)));
            assertNotEquals(0, wrongCa.exit(), wrongCa.output());

            Run good = run("nbdinfo", nbds(node, EXPORT, caOnly(pki)));
            assertEquals(0, good.exit(), good.output());
        }
    }

    @Test
    void mutualTlsAcceptsOnlyAClientCertificateFromTheConfiguredCa() throws Exception {
        String keys = tlsKeys("required", pki) + "tls_ca = \"" + pki.caCert() + "\"\n";
        try (Node node = startNode(dir, keys)) {
            Run withoutCertificate = run("nbdinfo", nbds(node, EXPORT, caOnly(pki)));
            assertNotEquals(0, withoutCertificate.exit(), withoutCertificate.output());

            // Our CA to check the server, but the client certificate and key of another CA.
            Path foreign = Files.createDirectories(dir.resolve("foreign-client"));
            Files.copy(pki.caCert(), foreign.resolve("ca-cert.pem"));
            for (String file : List.of("client-cert.pem", "client-key.pem")) {
                Files.copy(otherPki.clientDir().resolve(file), foreign.resolve(file));
            }
            Run foreignCertificate = run("nbdinfo", nbds(node, EXPORT, foreign));
            assertNotEquals(0, foreignCertificate.exit(), foreignCertificate.output());

            Run withCertificate = run("nbdinfo", nbds(node, EXPORT, pki.clientDir()));
            assertEquals(0, withCertificate.exit(), withCertificate.output());
        }
    }
}
