package cairn.engine.crypto;

/** The password (or key file) does not unlock the volume's newest key object. Nothing was written. */
public final class WrongPasswordException extends RuntimeException {
    public WrongPasswordException(String message) {
        super(message);
    }
}
