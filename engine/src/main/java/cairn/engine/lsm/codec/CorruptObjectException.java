package cairn.engine.lsm.codec;

/** An object read from the store failed its magic, version, length or checksum check. Names the object. */
public class CorruptObjectException extends RuntimeException {
    private final String objectKey;

    public CorruptObjectException(String objectKey, String detail) {
        super("corrupt object " + objectKey + ": " + detail);
        this.objectKey = objectKey;
    }

    public String objectKey() {
        return objectKey;
    }
}
