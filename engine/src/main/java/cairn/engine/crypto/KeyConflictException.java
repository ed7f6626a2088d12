package cairn.engine.crypto;

/** Another process created the key object this call meant to create (a lost race); nothing was written. */
public final class KeyConflictException extends RuntimeException {
    public KeyConflictException(String message) {
        super(message);
    }
}
