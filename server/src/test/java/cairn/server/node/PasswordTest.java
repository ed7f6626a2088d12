package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.election.EpochLedger;
import cairn.engine.crypto.WrongPasswordException;
import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.engine.store.FileStore;
import cairn.server.cli.CliTest;
import cairn.server.cli.ExitCodes;
import cairn.server.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The volume key: a wrong password stops a node before it writes anything; change-password re-wraps it. */
class PasswordTest {
    @TempDir
    Path dir;

    private Path config(String name, String password) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                [storage]
                url = "file://store"
                password = "%s"
                compression = "zstd-3"
                [cache]
                dir = "cache"
                """.formatted(password));
        return file;
    }

    private long latestEpoch() {
        try (var store = new FileStore(dir.resolve("store"))) {
            return new EpochLedger(store).latestEpoch();
        }
    }

    @Test
    void wrongPasswordTouchesNothingAndChangePasswordSwapsWhichOneWorks() throws Exception {
        Path one = config("one.toml", "first password");
        Path two = config("two.toml", "second password");
        try (var node = Node.start(ConfigLoader.load(one), false)) {
            FileSystem fs = node.fileSystem().orElseThrow();
            fs.mkdir(Caller.ROOT, FileSystem.ROOT_INODE, "kept", 0755);
            fs.syncfs();
        }
        assertEquals(1, latestEpoch());

        assertThrows(WrongPasswordException.class, () -> Node.start(ConfigLoader.load(two), false));
        assertEquals(1, latestEpoch(), "a wrong password claims no epoch");
        var wrong = CliTest.run("fsck", "-c", two.toString());
        assertEquals(ExitCodes.WRONG_PASSWORD, wrong.exit(), wrong.err());
        assertTrue(wrong.err().contains("wrong password"), wrong.err());

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("second password\n".getBytes(StandardCharsets.UTF_8)));
            var changed = CliTest.run("change-password", "-c", one.toString());
            assertEquals(0, changed.exit(), changed.err());
            assertTrue(changed.out().contains("key version 2"), changed.out());
        } finally {
            System.setIn(stdin);
        }
        assertEquals(ExitCodes.WRONG_PASSWORD, CliTest.run("fsck", "-c", one.toString()).exit(), "the old password no longer opens it");
        var fsck = CliTest.run("fsck", "-c", two.toString());
        assertEquals(0, fsck.exit(), fsck.err());
        assertTrue(fsck.out().contains("3 directories"), fsck.out()); // /, /.nbd, /kept
    }

    @Test
    void valuesAreNotStoredInPlaintext() throws Exception {
        Path one = config("one.toml", "pw");
        String marker = "PLAINTEXT-MARKER-" + "x".repeat(64);
        try (var node = Node.start(ConfigLoader.load(one), false)) {
            FileSystem fs = node.fileSystem().orElseThrow();
            long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, "secret", 0644, true).ino();
            fs.write(Caller.ROOT, ino, 0, marker.getBytes(StandardCharsets.UTF_8));
            fs.fsync(ino);
        }
        try (var files = Files.walk(dir.resolve("store"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertTrue(!content.contains("PLAINTEXT-MARKER"), "plaintext found in " + f);
            }
        }
    }
}
