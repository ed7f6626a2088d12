package cairn.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
    @TempDir
    Path dir;

    @Test
    void routesCommandsAndReportsMissingFeaturesHonestly() throws IOException {
        var router = new AdminRouter().register("nbd.list", args -> java.util.List.of(Map.of("name", "d0", "size", 4096L)));
        Path socket = dir.resolve("admin/admin.sock");
        try (var server = AdminServer.start(socket, router)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            var client = new AdminClient(socket);

            var ok = client.call("nbd.list", Map.of());
            assertEquals(true, ok.get("ok"));
            assertEquals(java.util.List.of(Map.of("name", "d0", "size", 4096L)), ok.get("result"));

            var missing = client.call("checkpoint.create", Map.of());
            assertEquals(false, missing.get("ok"));
            assertEquals("NOT_AVAILABLE", missing.get("code"));

            var unknown = client.call("rm-rf", Map.of());
            assertEquals("UNKNOWN_COMMAND", unknown.get("code"));
        }
        assertTrue(Files.notExists(socket), "socket removed on close");
        assertThrows(AdminClient.NotRunningException.class, () -> new AdminClient(socket).call("status", Map.of()));
    }

    @Test
    void handlerErrorsBecomeErrorAnswers() throws IOException {
        var router = new AdminRouter()
                .register("nbd.delete", args -> { throw new AdminException(AdminException.Code.NOT_FOUND, "no device " + args.string("name")); })
                .register("nbd.create", args -> { throw new IllegalStateException("boom"); });
        try (var server = AdminServer.start(dir.resolve("a.sock"), router)) {
            var client = new AdminClient(server.socket());
            var notFound = client.call("nbd.delete", Map.of("name", "x"));
            assertEquals("NOT_FOUND", notFound.get("code"));
            assertEquals("no device x", notFound.get("error"));
            assertEquals("BAD_REQUEST", client.call("nbd.delete", Map.of()).get("code"));
            assertEquals("FAILED", client.call("nbd.create", Map.of()).get("code"));
        }
    }

    @Test
    void garbageGetsABadRequestAnswer() throws IOException {
        try (var server = AdminServer.start(dir.resolve("a.sock"), new AdminRouter());
                var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(server.socket()));
            channel.write(ByteBuffer.wrap("{not json\n".getBytes(StandardCharsets.UTF_8)));
            var buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                if (buffer.position() > 0 && buffer.get(buffer.position() - 1) == '\n') break;
            }
            String answer = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            assertEquals("BAD_REQUEST", Json.parseObject(answer.strip()).get("code"), answer);
        }
    }

    @Test
    void secondServerOnALiveSocketIsRefusedAndAStaleOneReplaced() throws IOException {
        Path socket = dir.resolve("a.sock");
        try (var first = AdminServer.start(socket, new AdminRouter())) {
            var e = assertThrows(IOException.class, () -> AdminServer.start(socket, new AdminRouter()));
            assertTrue(e.getMessage().contains("another cairn node is running"), e.getMessage());
        }
        Files.createFile(socket); // stale leftover of a killed node
        try (var again = AdminServer.start(socket, new AdminRouter())) {
            assertEquals("UNKNOWN_COMMAND", new AdminClient(socket).call("x", Map.of()).get("code"));
        }
    }
}
