package cairn.engine.lsm.entry;

/**
 * One versioned record inside the engine (memtable, WAL, SST). {@code seq} orders versions of a key: the
 * highest wins. For {@link Kind#POINTER} the value is an encoded {@code ValuePointer} to bytes that stay in the
 * WAL segment they arrived in; for {@link Kind#DELETE} it is empty.
 */
public record Entry(byte[] key, long seq, Kind kind, byte[] value) {
    public enum Kind {
        PUT((byte) 1), DELETE((byte) 2), POINTER((byte) 3);

        public final byte code;

        Kind(byte code) {
            this.code = code;
        }

        public static Kind of(byte code) {
            return switch (code) {
                case 1 -> PUT;
                case 2 -> DELETE;
                case 3 -> POINTER;
                default -> throw new IllegalArgumentException("unknown entry kind " + code);
            };
        }
    }

    public static final byte[] EMPTY = new byte[0];
}
