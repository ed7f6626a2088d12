package cairn.engine.lsm.sst;

/**
 * An object (or a cached copy of part of one) failed validation: bad magic, checksum, version, length or
 * structure. The message names the object and the byte range. Never retried: the same bytes fail the same way.
 */
public class CorruptObjectException extends RuntimeException {
    private final String objectKey;

    public CorruptObjectException(String objectKey, String problem) {
        super(objectKey + ": " + problem);
        this.objectKey = objectKey;
    }

    public CorruptObjectException(String objectKey, String problem, Throwable cause) {
        super(objectKey + ": " + problem, cause);
        this.objectKey = objectKey;
    }

    public String objectKey() {
        return objectKey;
    }
}
