package cairn.engine.lsm;

/** A write was attempted on a database opened read-only. */
public class ReadOnlyException extends RuntimeException {
    public ReadOnlyException(String message) {
        super(message);
    }
}
