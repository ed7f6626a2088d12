package cairn.server.config;

import java.nio.file.Path;

/** Where the volume password comes from. */
public sealed interface KeySource {

    /** The password itself (usually {@code ${CAIRN_PASSWORD}} in the file). Never printed. */
    record Password(String value) implements KeySource {
        @Override
        public String toString() {
            return "Password[***]";
        }
    }

    /**
     * A file holding the password (trailing newline ignored). With {@code createIfMissing} a random one is
     * generated with mode 0600: only the embedded default does that.
     */
    record KeyFile(Path path, boolean createIfMissing) implements KeySource {}
}
