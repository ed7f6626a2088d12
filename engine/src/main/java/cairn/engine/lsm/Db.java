package cairn.engine.lsm;

/**
 * An LSM key-value database whose every byte lives in an object store, with one fenced writer and any number
 * of tailing readers.
 *
 * <p>Writes are visible to this process at once; {@link #barrier()} is the only durability promise: when it
 * returns, every write made before the call is durable in the store. A writer that has been fenced by a newer
 * epoch throws {@link FencedException} from every barrier (pending or future) and from every write.
 * A reader throws {@link ReadOnlyException} on writes.
 */
public interface Db extends ReadView, AutoCloseable {

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /** Applies every operation of the batch atomically (all visible and all durable together, or none). */
    void write(WriteBatch batch);

    /** A consistent point-in-time view; must be closed. */
    Snapshot snapshot();

    /** Blocks until everything written before the call is durable. Group-commits with concurrent callers. */
    void barrier();

    /** The writer epoch this database was opened with (readers: the newest epoch they have seen). */
    long epoch();

    boolean readOnly();

    /** Makes outstanding writes durable (best effort) and releases resources. */
    @Override
    void close();
}
