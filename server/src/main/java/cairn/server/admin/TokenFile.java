package cairn.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The admin bearer token: the text of a file readable by its owner only (like an ssh key), trailing whitespace
 * ignored, 16 to 4096 characters. Make one with {@code head -c 32 /dev/urandom | base64 > admin.token; chmod 600 admin.token}.
 */
public final class TokenFile {
    private static final int CHARS_MIN = 16;
    private static final int BYTES_MAX = 4096;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private TokenFile() {}

    /** Reads and checks the token; every problem is an {@link IOException} saying what to do. */
    public static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("admin token file " + file + " does not exist or is not a file");
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(OTHERS::contains)) {
            throw new IOException("admin token file " + file + " has mode " + PosixFilePermissions.toString(mode)
                    + ": it must be readable by its owner only (chmod 600 " + file + ")");
        }
        if (Files.size(file) > BYTES_MAX) throw new IOException("admin token file " + file + " is larger than " + BYTES_MAX + " bytes");
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.length() < CHARS_MIN || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IOException("admin token in " + file + " must be " + CHARS_MIN + "+ printable ASCII characters without spaces");
        }
        return token;
    }
}
