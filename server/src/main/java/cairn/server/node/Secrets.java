package cairn.server.node;

import cairn.engine.crypto.Secret;
import cairn.server.config.ConfigException;
import cairn.server.config.KeySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link KeySource} into the password that unlocks the volume. A key file holds the password as text
 * (trailing whitespace ignored; e.g. 64 hex digits); the embedded default generates one once, mode 0600.
 */
public final class Secrets {
    private static final Logger log = LoggerFactory.getLogger(Secrets.class);
    private static final int KEY_FILE_BYTES_MAX = 4096;
    private static final int GENERATED_BYTES = 32;

    private Secrets() {}

    public static Secret resolve(KeySource source) {
        return switch (source) {
            case KeySource.Password p -> Secret.password(p.value());
            case KeySource.KeyFile f -> Secret.password(read(f));
        };
    }

    private static String read(KeySource.KeyFile f) {
        Path path = f.path();
        try {
            if (f.createIfMissing() && !Files.exists(path)) create(path);
            if (Files.size(path) > KEY_FILE_BYTES_MAX) throw new ConfigException(path + ": key file larger than 4 KiB");
            String password = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) throw new ConfigException(path + ": key file is empty");
            return password;
        } catch (NoSuchFileException e) {
            throw new ConfigException(path + ": key file does not exist");
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read key file: " + e.getMessage());
        }
    }

    /** Writes 32 random bytes as hex, created with mode 0600 (never readable by others, not even briefly). */
    private static void create(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        byte[] random = new byte[GENERATED_BYTES];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random) + "\n";
        try {
            Files.write(Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    password.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (FileAlreadyExistsException e) {
            return; // a concurrent start created it first: use theirs
        }
        log.warn("generated a random volume key in {} (mode 0600): back it up, the volume cannot be read without it", path);
    }
}
