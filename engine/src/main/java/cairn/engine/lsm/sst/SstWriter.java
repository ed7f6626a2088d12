package cairn.engine.lsm.sst;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.store.ObjectStore;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes immutable SST objects ({@code sst/<ULID>}, plain PUT) from entries in key-ascending, seq-descending
 * order. The whole object is built in memory (SST sizes are bounded by the caller's target size) and uploaded
 * in one PUT.
 */
public final class SstWriter {
    private final ObjectStore store;
    private final SstOptions options;
    private final long writerEpoch;

    public SstWriter(ObjectStore store, SstOptions options, long writerEpoch) {
        this.store = store;
        this.options = options;
        this.writerEpoch = writerEpoch;
    }

    /** Writes all entries into one SST; there must be at least one. */
    public SstInfo write(Iterator<Entry> entries) {
        var b = builder();
        while (entries.hasNext()) b.add(entries.next());
        return b.finish();
    }

    public Builder builder() {
        return new Builder();
    }

    /** An SST under construction; {@link #finish()} uploads it. Not thread-safe. */
    public final class Builder {
        private final Ulid id = Ulid.next();
        private final ByteSink out = new ByteSink(Math.max(64 * 1024, options.blockBytes() * 4));
        private final ByteSink index = new ByteSink(4096);
        private final BlockBuilder block = new BlockBuilder(options.restartInterval());
        private long[] hashes = new long[1024];
        private int hashCount;
        private int blockCount;
        private byte[] blockFirstKey;
        private byte[] firstKey;
        private Entry last;
        private long entryCount;
        private long minSeq = Long.MAX_VALUE;
        private long maxSeq = Long.MIN_VALUE;
        private boolean finished;

        private Builder() {
            SstFormat.writeHeader(out, writerEpoch);
        }

        public void add(Entry e) {
            if (finished) throw new IllegalStateException("builder finished");
            if (e.key().length > SstFormat.MAX_KEY_BYTES) throw new IllegalArgumentException("key of " + e.key().length + " bytes");
            if (e.value().length > SstFormat.MAX_VALUE_BYTES) throw new IllegalArgumentException("value of " + e.value().length + " bytes");
            if (e.seq() < 0) throw new IllegalArgumentException("negative seq " + e.seq());
            boolean newKey = true;
            if (last != null) {
                int c = Keys.compare(last.key(), e.key());
                if (c > 0 || (c == 0 && last.seq() <= e.seq())) {
                    throw new IllegalArgumentException("entries out of order: seq " + e.seq() + " after seq " + last.seq());
                }
                newKey = c != 0;
            }
            if (!block.isEmpty() && block.estimatedBytes() + BlockBuilder.entryBytesMax(e) > options.blockBytes()) {
                flushBlock();
            }
            if (block.isEmpty()) blockFirstKey = e.key();
            block.add(e);
            if (newKey) {
                if (hashCount == hashes.length) hashes = Arrays.copyOf(hashes, hashes.length * 2);
                hashes[hashCount++] = BloomFilter.hash(e.key());
            }
            if (firstKey == null) firstKey = e.key();
            last = e;
            entryCount++;
            minSeq = Math.min(minSeq, e.seq());
            maxSeq = Math.max(maxSeq, e.seq());
        }

        private void flushBlock() {
            byte[] raw = block.finish();
            long offset = out.size();
            int length = StoredBlock.append(out, raw, block.length(), options.codec(), options.zstdLevel());
            BlockIndex.encodeEntry(index, offset, length, blockFirstKey, last.key());
            blockCount++;
            block.reset();
        }

        public boolean isEmpty() {
            return entryCount == 0;
        }

        public long entryCount() {
            return entryCount;
        }

        /** The last key added, or null. */
        public byte[] lastKey() {
            return last == null ? null : last.key();
        }

        /** Bytes the object would have if finished now (data written so far plus the open block). */
        public long estimatedBytes() {
            return out.size() + block.estimatedBytes() + index.size() + (long) hashCount * options.bloomBitsPerKey() / 8;
        }

        /** Encodes and uploads the SST; returns its manifest record. */
        public SstInfo finish() {
            if (entryCount == 0) throw new IllegalStateException("an SST needs at least one entry");
            if (finished) throw new IllegalStateException("builder finished");
            finished = true;
            if (!block.isEmpty()) flushBlock();
            long filterOffset = out.size();
            byte[] filter = BloomFilter.build(hashes, hashCount, options.bloomBitsPerKey());
            int filterLength = filter.length == 0 ? 0 : StoredBlock.append(out, filter, filter.length, Codec.NONE, 0);
            long indexOffset = out.size();
            var indexRaw = new ByteSink(index.size() + 8);
            indexRaw.putVarLong(blockCount).put(index.array(), 0, index.size());
            if (indexRaw.size() > SstFormat.MAX_INDEX_BYTES) {
                throw new IllegalStateException("SST index of " + indexRaw.size() + " bytes: use larger blocks or smaller SSTs");
            }
            int indexLength = StoredBlock.append(out, indexRaw.array(), indexRaw.size(), options.codec(), options.zstdLevel());
            SstFormat.writeFooter(out, new SstFormat.Footer(indexOffset, indexLength, filterLength == 0 ? 0 : filterOffset,
                    filterLength, entryCount, minSeq, maxSeq, writerEpoch));
            var info = new SstInfo(id, firstKey, last.key(), entryCount, out.size(), indexOffset, indexLength,
                    filterLength == 0 ? 0 : filterOffset, filterLength, minSeq, maxSeq, writerEpoch);
            store.put(info.objectKey(), out.toByteArray(), Map.of("cairn-epoch", Long.toString(writerEpoch)));
            return info;
        }
    }
}
