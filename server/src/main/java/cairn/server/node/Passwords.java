package cairn.server.node;

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
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a {@link KeySource} into the volume password, generating the embedded default's key file once. */
public final class Passwords {
    private static final Logger log = LoggerFactory.getLogger(Passwords.class);
    private static final int KEY_FILE_BYTES_MAX = 4096;
    private static final int GENERATED_BYTES = 32;

    private Passwords() {}

    public static String resolve(KeySource source) {
        return switch (source) {
            case KeySource.Password p -> p.value();
            case KeySource.KeyFile f -> read(f);
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

    /** Writes a random password with mode 0600 (created with that mode, never readable by others). */
    private static void create(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        byte[] random = new byte[GENERATED_BYTES];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n";
        try {
            Files.write(Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    password.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return; // a concurrent start created it first: use theirs
        }
        log.warn("generated a random volume key in {} (mode 0600): back it up, the volume cannot be read without it", path);
    }
}
