package cairn.engine.lsm.cache;

/** A cached value that knows its approximate heap footprint. */
public interface Sized {
    int sizeBytes();
}
