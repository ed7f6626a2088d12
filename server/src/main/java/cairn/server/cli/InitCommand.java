package cairn.server.cli;

import cairn.server.config.ConfigTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "init", description = "Write a commented config file to start from.")
final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "Where to write it (default: ./cairn.toml)")
    Path path = Path.of("cairn.toml");

    @Option(names = "--url", paramLabel = "URL", description = "storage.url: file:///dir, s3://bucket/prefix or memory:// (default: ${DEFAULT-VALUE})")
    String url = "file:///var/lib/cairn";

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "cache.dir (default: ${DEFAULT-VALUE})")
    String cacheDir = "/var/cache/cairn";

    @Option(names = "--force", description = "Overwrite an existing file")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(path) && !force) {
            throw new CliException(ExitCodes.FAILED, path + " exists; use --force to overwrite it");
        }
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // The file may end up holding a password: readable by its owner only.
        Path tmp = Files.createTempFile(parent, ".cairn-init", ".toml",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, ConfigTemplate.render(url, cacheDir), StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine().getOut().println("wrote " + path + "; edit it, export CAIRN_PASSWORD, then: cairn run -c " + path);
        return ExitCodes.OK;
    }
}
