package cairn.engine.lsm;

/** A consistent, immutable view of the database at one point of the write order. */
public interface Snapshot extends ReadView, AutoCloseable {
    @Override
    void close();
}
