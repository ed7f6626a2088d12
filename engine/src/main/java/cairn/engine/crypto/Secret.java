package cairn.engine.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;

/** What unlocks a volume's data key: a password, or the 32 random bytes of a key file. */
public record Secret(Kind kind, byte[] material) {
    public enum Kind {
        PASSWORD(1, "password"), KEY_FILE(2, "key file");

        final byte id;
        final String label;

        Kind(int id, String label) {
            this.id = (byte) id;
            this.label = label;
        }

        static Kind of(byte id) {
            for (Kind k : values()) if (k.id == id) return k;
            return null;
        }
    }

    public static final int KEY_FILE_BYTES = 32;

    public Secret {
        material = material.clone();
    }

    public static Secret password(char[] password) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = Arrays.copyOf(b.array(), b.limit());
        Arrays.fill(b.array(), (byte) 0);
        return new Secret(Kind.PASSWORD, bytes);
    }

    public static Secret password(String password) {
        return password(password.toCharArray());
    }

    /** Reads a key file made by {@link #createKeyFile}. */
    public static Secret keyFile(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != KEY_FILE_BYTES) {
            throw new IOException(file + " is not a Cairn key file (expected " + KEY_FILE_BYTES + " bytes)");
        }
        return new Secret(Kind.KEY_FILE, bytes);
    }

    /** Writes 32 random bytes to a new file readable only by its owner (0600); fails if the file exists. */
    public static Secret createKeyFile(Path file) throws IOException {
        byte[] bytes = new byte[KEY_FILE_BYTES];
        new SecureRandom().nextBytes(bytes);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.write(file, bytes, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        return new Secret(Kind.KEY_FILE, bytes);
    }
}
