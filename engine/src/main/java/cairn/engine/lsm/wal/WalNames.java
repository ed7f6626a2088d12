package cairn.engine.lsm.wal;

/** Keys of WAL objects: {@code wal/<20-digit id>}, so key order is id order. */
public final class WalNames {
    public static final String PREFIX = "wal/";

    private WalNames() {}

    public static String key(long id) {
        return PREFIX + String.format("%020d", id);
    }

    /** The id of a WAL key, or -1 when the key is not a WAL object name. */
    public static long parse(String key) {
        if (!key.startsWith(PREFIX) || key.length() != PREFIX.length() + 20) return -1;
        try {
            return Long.parseLong(key.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
