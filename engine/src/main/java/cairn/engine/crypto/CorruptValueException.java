package cairn.engine.crypto;

/**
 * A stored value failed authentication or decoding: it was changed, truncated, moved to another key, or sealed
 * under another data key. Never retried; the message names the key (as given by the caller).
 */
public final class CorruptValueException extends RuntimeException {
    public CorruptValueException(String message, Throwable cause) {
        super(message, cause);
    }

    public CorruptValueException(String message) {
        super(message);
    }
}
