package cairn.engine.lsm;

import java.util.Iterator;

/** An ordered iterator over key-value entries that holds resources until closed. */
public interface KvIterator extends Iterator<KeyValue>, AutoCloseable {
    @Override
    void close();
}
