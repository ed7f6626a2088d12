package cairn.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.server.Main;
import cairn.server.config.ConfigLoader;
import cairn.server.config.KeySource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class CliTest {
    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one cairn invocation. */
    public record Result(int exit, String out, String err) {}

    public static Result run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        var r = run("--help");
        assertEquals(0, r.exit());
        for (String command : new String[] {"init", "run", "status", "nbd", "checkpoint", "change-password", "fsck", "version"}) {
            assertTrue(r.out().contains("  " + command + " "), command + " missing from:\n" + r.out());
        }
        var nbd = run("nbd", "--help");
        assertEquals(0, nbd.exit());
        assertTrue(nbd.out().contains("resize"), nbd.out());
        assertEquals(ExitCodes.USAGE, run("nbd").exit(), "a group without its subcommand is a usage error");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        var r = run("version");
        assertEquals(0, r.exit());
        assertTrue(r.out().matches("(?s)cairn \\d+\\.\\d+\\.\\d+.*\njava .*"), r.out());
        assertEquals(r.out().lines().findFirst().orElseThrow(), run("--version").out().strip());
    }

    @Test
    void unknownCommandIsAUsageError() {
        var r = run("frobnicate");
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().contains("frobnicate"), r.err());
    }

    @Test
    void initWritesAConfigThatParsesBack() throws Exception {
        Path file = dir.resolve("etc/cairn.toml");
        var r = run("init", file.toString(), "--url", "file://data", "--cache-dir", "cache");
        assertEquals(0, r.exit(), r.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        var config = new ConfigLoader(Map.of("CAIRN_PASSWORD", "pw")).read(file);
        assertEquals("file://" + dir.resolve("etc/data"), config.storage().url());
        assertEquals(new KeySource.Password("pw"), config.storage().key());
        assertEquals(dir.resolve("etc/cache"), config.cache().dir());
        assertTrue(config.servers().nfs().isPresent() && config.servers().ninep().isPresent()
                && config.servers().nbd().isPresent() && config.servers().http().isPresent());

        var again = run("init", file.toString());
        assertEquals(ExitCodes.FAILED, again.exit());
        assertTrue(again.err().contains("use --force"), again.err());
        assertEquals(0, run("init", file.toString(), "--force").exit());
    }

    @Test
    void exampleConfigsParse() throws Exception {
        var env = Map.of("CAIRN_PASSWORD", "pw", "AWS_ACCESS_KEY_ID", "ak", "AWS_SECRET_ACCESS_KEY", "sk");
        try (var files = Files.list(Path.of("src/dist/etc"))) {
            var examples = files.filter(f -> f.toString().endsWith(".toml")).toList();
            assertTrue(examples.size() >= 2, "examples: " + examples);
            for (Path example : examples) new ConfigLoader(env).read(example);
        }
    }

    @Test
    void badConfigExitsWithTheConfigCode() throws Exception {
        Path file = dir.resolve("bad.toml");
        Files.writeString(file, "[storage]\nurl = \"memory://\"\npassword = \"x\"\nbogus = 1\n[cache]\ndir = \"c\"\n");
        var r = run("fsck", "-c", file.toString());
        assertEquals(ExitCodes.CONFIG, r.exit());
        assertEquals("cairn: config: " + file + ":4: storage.bogus: unknown key", r.err().strip());
        var missing = run("fsck", "-c", dir.resolve("nope.toml").toString());
        assertEquals(ExitCodes.CONFIG, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void adminCommandsWithoutANodeSayNoneIsRunning() throws Exception {
        Path file = dir.resolve("c.toml");
        Files.writeString(file, "[storage]\nurl = \"memory://\"\npassword = \"x\"\n[cache]\ndir = \"c\"\n");
        for (String[] args : new String[][] {{"status"}, {"nbd", "list"}, {"checkpoint", "list"}}) {
            String[] full = new String[args.length + 2];
            System.arraycopy(args, 0, full, 0, args.length);
            full[args.length] = "-c";
            full[args.length + 1] = file.toString();
            var r = run(full);
            assertEquals(ExitCodes.NOT_RUNNING, r.exit(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("no cairn node is running"), r.err());
        }
    }

    @Test
    void commandsNeedingAConfigSaySo() {
        var r = run("change-password");
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().contains("change-password needs -c FILE"), r.err());
    }

    @Test
    void sizesParseWithBinaryUnits() {
        assertEquals(10L << 30, Sizes.parse("10G"));
        assertEquals(512L << 20, Sizes.parse("512MiB"));
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(1L << 40, Sizes.parse("1t"));
        assertEquals("10G", Sizes.format(10L << 30));
        assertEquals("1536K", Sizes.format(1536L << 10));
        assertEquals(ExitCodes.USAGE, run("nbd", "create", "d", "ten", "--socket", "/nonexistent").exit());
    }
}
