package cairn.bench;

/** A key-value system under benchmark: Cairn's LSM on some store, or RocksDB on local disk. */
interface KvTarget extends AutoCloseable {
    String name();

    void put(byte[] key, byte[] value) throws Exception;

    byte[] get(byte[] key) throws Exception;

    /** Makes every earlier put durable (Cairn: barrier; RocksDB: WAL fsync). */
    void sync() throws Exception;

    /** Bytes the system wrote to its storage so far (for write amplification), or -1 if unknown. */
    long bytesWritten();
}
