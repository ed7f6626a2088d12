package cairn.engine.store;

/**
 * A store call failed without an answer. {@code retryable} says whether the same call may succeed later
 * (timeouts, 5xx, throttling, connection errors); callers retry those under a deadline with backoff.
 */
public class StoreException extends RuntimeException {
    private final boolean retryable;

    public StoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public StoreException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
