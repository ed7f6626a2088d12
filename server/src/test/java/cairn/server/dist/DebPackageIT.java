package cairn.server.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb that {@code mvn package} builds (jdeb), checked with dpkg-deb: control fields, maintainer scripts,
 * conffiles, the file list, and the packaged {@code /usr/bin/cairn} running the packaged jar.
 */
class DebPackageIT {
    private static Path deb;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPackage() throws IOException {
        assumeTrue(onPath("dpkg-deb"), "dpkg-deb is not installed (Debian package dpkg): skipping the .deb checks");
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            deb = files.filter(f -> f.getFileName().toString().matches("cairn_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/cairn_*_all.deb: mvn package builds it"));
        }
    }

    @Test
    void controlFieldsAndMaintainerScripts() throws Exception {
        String info = run("dpkg-deb", "-I", deb.toString());
        assertTrue(info.contains("Package: cairn"), info);
        assertTrue(info.contains("Architecture: all"), info);
        assertTrue(info.matches("(?s).*Version: \\d+\\.\\d+\\.\\d+.*"), info);
        for (String script : List.of("postinst", "prerm", "postrm", "conffiles")) assertTrue(info.contains(script), script + " missing:\n" + info);
        String conffiles = run("dpkg-deb", "-I", deb.toString(), "conffiles");
        assertEquals(List.of("/etc/cairn/cairn-s3.toml", "/etc/cairn/cairn.toml"), conffiles.lines().map(String::strip).sorted().toList());
        String postinst = run("dpkg-deb", "-I", deb.toString(), "postinst");
        assertTrue(postinst.contains("useradd --system"), postinst);
    }

    @Test
    void filesAndModes() throws Exception {
        String contents = run("dpkg-deb", "-c", deb.toString());
        assertTrue(contents.matches("(?s).*-rwxr-xr-x \\S+ +\\d+ \\S+ \\S+ \\./usr/bin/cairn\n.*"), contents);
        for (String path : List.of("./usr/share/cairn/cairn.jar", "./usr/share/cairn/find-jdk.sh", "./etc/cairn/cairn.toml",
                "./etc/cairn/cairn-s3.toml", "./lib/systemd/system/cairn.service", "./lib/systemd/system/cairn-replica.service",
                "./usr/share/doc/cairn/configuration.md", "./usr/share/doc/cairn/examples/prometheus/cairn-rules.yml")) {
            assertTrue(contents.contains(" " + path + "\n"), path + " missing:\n" + contents);
        }
    }

    @Test
    void thePackagedCommandRunsThePackagedJar() throws Exception {
        run("dpkg-deb", "-x", deb.toString(), dir.toString());
        String version = run(dir.resolve("usr/bin/cairn").toString(), "version");
        assertTrue(version.startsWith("cairn "), version);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
