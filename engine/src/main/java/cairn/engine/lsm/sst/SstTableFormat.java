package cairn.engine.lsm.sst;

import cairn.engine.lsm.codec.CorruptObjectException;
import cairn.engine.lsm.TableFormat;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.manifest.SstHandle;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * This package's SST format behind the engine core's {@link TableFormat} seam, usable while the manifest still
 * records {@link SstHandle}s: opening an SST the process did not write costs one footer and index read
 * ({@link SstReader#readInfo(Ulid, long, cairn.engine.lsm.cache.RangeReader)}); once the manifest stores
 * {@link SstInfo} (its {@link SstInfo#encode()}), use {@link SstReaders} directly and drop this adapter.
 */
public final class SstTableFormat implements TableFormat {
    private final SstReaders readers;
    private final java.util.function.LongFunction<SstWriter> writers;
    private final LongSupplier writerEpoch;
    private final com.github.benmanes.caffeine.cache.Cache<String, SstInfo> infos =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000).build();

    /**
     * @param writers     an SST writer for a given writer epoch
     * @param writerEpoch the epoch recorded in new SSTs (read at each write, since a writer learns it on open)
     */
    public SstTableFormat(SstReaders readers, java.util.function.LongFunction<SstWriter> writers, LongSupplier writerEpoch) {
        this.readers = readers;
        this.writers = writers;
        this.writerEpoch = writerEpoch;
    }

    @Override
    public SstHandle write(Iterator<Entry> entries) {
        SstInfo info = writers.apply(writerEpoch.getAsLong()).write(entries);
        infos.put(info.id().toString(), info);
        return new SstHandle(info.id().toString(), info.firstKey(), info.lastKey(), info.sizeBytes(), info.maxSeq());
    }

    @Override
    public Table open(SstHandle handle) {
        SstInfo info = infos.get(handle.id(), id -> SstReader.readInfo(parse(handle), handle.sizeBytes(), readers.ranges()));
        SstReader reader = readers.reader(info);
        return new Table() {
            @Override
            public Entry get(byte[] key, long readSeq) {
                return reader.get(key, readSeq);
            }

            @Override
            public Iterator<Entry> scan(byte[] from, byte[] to) {
                return reader.scan(from, to).asIterator();
            }
        };
    }

    private static Ulid parse(SstHandle handle) {
        try {
            return Ulid.parse(handle.id());
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(handle.objectKey(), "not an SST id of this format: " + e.getMessage());
        }
    }
}
