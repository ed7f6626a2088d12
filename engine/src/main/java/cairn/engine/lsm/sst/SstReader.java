package cairn.engine.lsm.sst;

import cairn.engine.lsm.codec.CorruptObjectException;
import cairn.engine.lsm.Keys;
import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.RangeCache;
import cairn.engine.lsm.cache.RangeKey;
import cairn.engine.lsm.cache.RangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoreException;

/**
 * Reads one SST. Opening fetches the index and bloom filter (through the metadata cache) and keeps them for
 * the reader's lifetime; every data block is one ranged read through the data cache, verified by CRC32C.
 * Below the memory caches, stored blocks (data, index, filter) are looked up in a local {@link RangeCache} (the
 * disk cache) before the store and kept there after a store read; scans that do not fill caches (compaction) do
 * not use it. A disk copy that fails its block checksum is dropped and the block read from the store.
 *
 * <p>Snapshot filtering: {@link #get} applies {@code maxSeq} itself (it returns the newest version at or
 * below it, tombstones included). {@link #scan} returns every version; the merge layer
 * ({@link cairn.engine.lsm.iter.MergingIterator}) applies the snapshot. Thread-safe.
 */
public final class SstReader {
    private final SstInfo info;
    private final String objectKey;
    private final RangeReader ranges;
    private final BlockCache cache;
    private final RangeCache disk;
    private final BlockIndex index;
    private final BloomFilter filter;

    private SstReader(SstInfo info, RangeReader ranges, BlockCache cache, RangeCache disk) {
        this.info = info;
        this.objectKey = info.objectKey();
        this.ranges = ranges;
        this.cache = cache;
        this.disk = disk;
        long dataEnd = info.filterLength() > 0 ? info.filterOffset() : info.indexOffset();
        this.index = cache.metadata(new RangeKey(objectKey, info.indexOffset(), info.indexLength()),
                k -> BlockIndex.decode(fetch(k, SstFormat.MAX_INDEX_BYTES, true), SstFormat.HEADER_BYTES, dataEnd, objectKey));
        this.filter = info.filterLength() == 0 ? BloomFilter.decode(Entry.EMPTY, objectKey)
                : cache.metadata(new RangeKey(objectKey, info.filterOffset(), info.filterLength()),
                        k -> BloomFilter.decode(fetch(k, SstFormat.MAX_FILTER_BYTES, true), objectKey));
        if (!java.util.Arrays.equals(index.firstKey(0), info.firstKey())
                || !java.util.Arrays.equals(index.lastKey(index.blockCount() - 1), info.lastKey())) {
            throw new CorruptObjectException(objectKey, "index key range differs from the manifest's SstInfo");
        }
    }

    /** Opens an SST described by the manifest (no footer read). */
    public static SstReader open(SstInfo info, RangeReader ranges, BlockCache cache) {
        return new SstReader(info, ranges, cache, RangeCache.NONE);
    }

    /** Like {@link #open(SstInfo, RangeReader, BlockCache)}, with a local {@code disk} cache of stored blocks before {@code ranges}. */
    public static SstReader open(SstInfo info, RangeReader ranges, BlockCache cache, RangeCache disk) {
        return new SstReader(info, ranges, cache, disk);
    }

    /**
     * Reconstructs the {@link SstInfo} of an SST from the object itself (HEAD, header, footer and index): for
     * recovery tools and verification, not the read path.
     */
    public static SstInfo readInfo(ObjectStore store, Ulid id, RangeReader ranges) {
        String key = SstFormat.objectKey(id.toString());
        long size = store.head(key).orElseThrow(() -> new StoreException("object missing: " + key, false)).size();
        return readInfo(id, size, ranges);
    }

    /** {@link #readInfo(ObjectStore, Ulid, RangeReader)} for an object whose size is known (no HEAD). */
    public static SstInfo readInfo(Ulid id, long size, RangeReader ranges) {
        String key = SstFormat.objectKey(id.toString());
        if (size < SstFormat.HEADER_BYTES + SstFormat.FOOTER_BYTES) throw new CorruptObjectException(key, "object of " + size + " bytes is too short");
        long headerEpoch = SstFormat.readHeader(ranges.read(key, 0, SstFormat.HEADER_BYTES), key);
        var f = SstFormat.readFooter(ranges.read(key, size - SstFormat.FOOTER_BYTES, SstFormat.FOOTER_BYTES), size, key);
        if (f.writerEpoch() != headerEpoch) throw new CorruptObjectException(key, "header and footer epochs differ");
        if (f.entryCount() < 1 || f.minSeq() > f.maxSeq()) throw new CorruptObjectException(key, "implausible footer counts");
        long dataEnd = f.filterLength() > 0 ? f.filterOffset() : f.indexOffset();
        var idx = BlockIndex.decode(StoredBlock.decode(ranges.read(key, f.indexOffset(), f.indexLength()), 0,
                f.indexLength(), SstFormat.MAX_INDEX_BYTES, key), SstFormat.HEADER_BYTES, dataEnd, key);
        return new SstInfo(id, idx.firstKey(0), idx.lastKey(idx.blockCount() - 1), f.entryCount(), size,
                f.indexOffset(), f.indexLength(), f.filterOffset(), f.filterLength(), f.minSeq(), f.maxSeq(),
                f.writerEpoch());
    }

    public SstInfo info() {
        return info;
    }

    /** Heap held by the pinned index and filter. */
    public int metadataBytes() {
        return index.sizeBytes() + filter.sizeBytes() + 256;
    }

    /** False only when no version of the key is in this SST (key range and bloom filter). */
    public boolean mayContain(byte[] key) {
        return info.mayContainKey(key) && filter.mayContain(key);
    }

    /** The newest version of {@code key} with seq {@code <= maxSeq} (may be a DELETE), or null. */
    public Entry get(byte[] key, long maxSeq) {
        if (!mayContain(key)) return null;
        for (int b = index.firstBlockAtOrAfter(key); b < index.blockCount(); b++) {
            if (Keys.compare(index.firstKey(b), key) > 0) return null;
            Block.Cursor c = block(b, true).cursor();
            boolean has = c.seek(key);
            while (has) {
                if (c.compareKey(key) != 0) return null;
                if (c.seq() <= maxSeq) return c.entry();
                has = c.next();
            }
        }
        return null;
    }

    /**
     * Every version of every key in {@code [from, to)} in engine order; null bounds are open. With
     * {@code fillCache} false (compaction, long scans) blocks are read through the cache without being added.
     */
    public EntryIterator scan(byte[] from, byte[] to, boolean fillCache) {
        return new Scan(from, to, fillCache);
    }

    public EntryIterator scan(byte[] from, byte[] to) {
        return scan(from, to, true);
    }

    private Block block(int i, boolean fill) {
        var k = new RangeKey(objectKey, index.offset(i), index.length(i));
        return cache.data(k, key -> new Block(fetch(key, SstFormat.MAX_BLOCK_BYTES, fill), objectKey), fill);
    }

    /**
     * The decoded block at {@code k}: from the disk cache if it holds it, else from the store (kept on disk if
     * {@code fill} and it decodes).
     */
    private byte[] fetch(RangeKey k, int maxRawBytes, boolean fill) {
        byte[] local = fromDisk(k, maxRawBytes);
        if (local != null) return local;
        byte[] stored = ranges.read(k.objectKey(), k.offset(), k.length());
        byte[] raw = StoredBlock.decode(stored, 0, stored.length, maxRawBytes, objectKey);
        if (fill) disk.put(objectKey, k.offset(), stored);
        return raw;
    }

    /** The decoded block if the disk cache holds it; a copy that fails the block's own checksum is dropped. */
    private byte[] fromDisk(RangeKey k, int maxRawBytes) {
        byte[] local = disk.get(objectKey, k.offset(), k.length());
        if (local == null) return null;
        try {
            return StoredBlock.decode(local, 0, local.length, maxRawBytes, objectKey);
        } catch (CorruptObjectException e) {
            disk.drop(objectKey, k.offset(), k.length());
            return null;
        }
    }

    /**
     * Fetches uncached blocks of a scan in growing chunks: the first miss reads one block, each further miss
     * doubles the chunk up to {@link #READ_AHEAD_BYTES_MAX}, so short scans stay cheap and long ones (compaction)
     * need one GET per chunk instead of one per block.
     */
    private final class ReadAhead {
        private final boolean fill;
        private final byte[] to;
        private byte[] chunk;
        private long chunkOffset;
        private int chunkBytesNext;

        ReadAhead(boolean fill, byte[] to) {
            this.fill = fill;
            this.to = to;
        }

        Block block(int i) {
            var k = new RangeKey(objectKey, index.offset(i), index.length(i));
            return cache.data(k, key -> decodeFromChunk(i), fill);
        }

        private Block decodeFromChunk(int i) {
            long off = index.offset(i);
            int len = index.length(i);
            if (chunk == null || off < chunkOffset || off + len > chunkOffset + chunk.length) {
                // Scans that do not fill caches (compaction) leave the disk cache alone: its counts stay those of
                // foreground reads, and the chunked GETs are not broken up by per-block lookups.
                byte[] local = fill ? fromDisk(new RangeKey(objectKey, off, len), SstFormat.MAX_BLOCK_BYTES) : null;
                if (local != null) return new Block(local, objectKey);
                chunkBytesNext = (int) Math.min(READ_AHEAD_BYTES_MAX, Math.max(len, 2L * chunkBytesNext));
                int last = i;
                long end = off + len;
                while (last + 1 < index.blockCount() && index.offset(last + 1) + index.length(last + 1) - off <= chunkBytesNext
                        && (to == null || Keys.compare(index.firstKey(last + 1), to) < 0)) {
                    last++;
                    end = index.offset(last) + index.length(last);
                }
                chunk = ranges.read(objectKey, off, (int) (end - off));
                chunkOffset = off;
                if (fill) offerBlocks(i, last);
            }
            int at = (int) (off - chunkOffset);
            return new Block(StoredBlock.decode(chunk, at, len, SstFormat.MAX_BLOCK_BYTES, objectKey), objectKey);
        }

        /** Keeps each block of the chunk on disk, block by block (a later point read finds its block). */
        private void offerBlocks(int first, int last) {
            for (int b = first; b <= last; b++) {
                int at = (int) (index.offset(b) - chunkOffset);
                disk.put(objectKey, index.offset(b), java.util.Arrays.copyOfRange(chunk, at, at + index.length(b)));
            }
        }
    }

    /** Largest single read of a scan. */
    static final int READ_AHEAD_BYTES_MAX = 2 * 1024 * 1024;

    private final class Scan implements EntryIterator {
        private final byte[] from;
        private final byte[] to;
        private final boolean fill;
        private int blockIndex;
        private Block.Cursor cursor;
        private boolean positioned; // cursor already sits on an unread entry (after a seek)
        private final ReadAhead readAhead;

        Scan(byte[] from, byte[] to, boolean fill) {
            this.from = from;
            this.to = to;
            this.fill = fill;
            this.blockIndex = from == null ? 0 : index.firstBlockAtOrAfter(from);
            this.readAhead = new ReadAhead(fill, to);
        }

        @Override
        public Entry next() {
            while (true) {
                if (cursor == null) {
                    if (blockIndex >= index.blockCount()) return null;
                    if (to != null && Keys.compare(index.firstKey(blockIndex), to) >= 0) {
                        blockIndex = index.blockCount();
                        return null;
                    }
                    cursor = readAhead.block(blockIndex).cursor();
                    if (from != null && Keys.compare(index.firstKey(blockIndex), from) < 0) {
                        positioned = cursor.seek(from);
                        if (!positioned) {
                            cursor = null;
                            blockIndex++;
                            continue;
                        }
                    }
                }
                boolean has = positioned || cursor.next();
                positioned = false;
                if (!has) {
                    cursor = null;
                    blockIndex++;
                    continue;
                }
                if (to != null && cursor.compareKey(to) >= 0) {
                    cursor = null;
                    blockIndex = index.blockCount();
                    return null;
                }
                return cursor.entry();
            }
        }
    }
}
