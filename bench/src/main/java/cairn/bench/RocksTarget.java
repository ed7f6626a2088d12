package cairn.bench;

import java.nio.file.Path;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;

/** RocksDB on the local disk: the physical-limit baseline (same process, same disk). */
final class RocksTarget implements KvTarget {
    static {
        RocksDB.loadLibrary();
    }

    private final Statistics stats = new Statistics();
    private final Options options = new Options().setCreateIfMissing(true).setStatistics(stats);
    private final WriteOptions writeOptions = new WriteOptions();
    private final RocksDB db;

    RocksTarget(Path dir) {
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (org.rocksdb.RocksDBException e) {
            throw new IllegalStateException("cannot open RocksDB in " + dir, e);
        }
    }

    @Override
    public String name() {
        return "rocksdb-local";
    }

    @Override
    public void put(byte[] key, byte[] value) throws Exception {
        db.put(writeOptions, key, value);
    }

    @Override
    public byte[] get(byte[] key) throws Exception {
        return db.get(key);
    }

    @Override
    public void sync() throws Exception {
        db.flushWal(true);
    }

    @Override
    public long bytesWritten() {
        return stats.getTickerCount(TickerType.WAL_FILE_BYTES) + stats.getTickerCount(TickerType.FLUSH_WRITE_BYTES)
                + stats.getTickerCount(TickerType.COMPACT_WRITE_BYTES);
    }

    @Override
    public void close() {
        db.close();
        options.close();
        writeOptions.close();
        stats.close();
    }
}
