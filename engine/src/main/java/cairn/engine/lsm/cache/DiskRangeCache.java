package cairn.engine.lsm.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * A local-disk cache of byte ranges of immutable objects (SST blocks, index and filter blocks, large values), one
 * file per range. Bounded in bytes and in entries (least recently used files are deleted first); survives restarts
 * (the directory is re-scanned on open, least recently used first); never serves a damaged file: each file carries
 * its object key, range and a CRC32C of everything, checked on every read, and a file that fails is deleted and
 * reported as a miss.
 *
 * <p>Layout under {@code dir}: {@code lock} (held while open: one process per directory), {@code volume} (the
 * volume this cache belongs to; another volume's cache is emptied on open), and {@code <hh>/<hash>-<offset>-<length>}
 * where {@code hash} is 64 bits of SHA-256 of the object key and {@code hh} its first byte. File layout:
 * {@code magic u32 "CRC2" | crc32c u32 (of everything after it) | offset u64 | length u32 | keyLength u16 |
 * objectKey UTF-8 | payload}, little-endian.
 *
 * <p>Heap: one index entry (about 100 bytes) per cached range, at most one range per {@value #BYTES_PER_ENTRY_MIN}
 * bytes of budget. Only use it for objects that are never rewritten under the same key.
 */
public final class DiskRangeCache implements RangeCache, AutoCloseable {
    private static final int MAGIC = 0x32435243; // "CRC2" little-endian
    private static final int FIXED_HEADER_BYTES = 4 + 4 + 8 + 4 + 2;
    private static final String TMP_SUFFIX = ".tmp";
    /** The entry bound is budget / this: keeps the index's heap at about 100 / 4096 of the disk budget at most. */
    static final int BYTES_PER_ENTRY_MIN = 4096;

    /** One cached range and its file {@code <hh>/<hash>-<offset>-<length>}. */
    record Slot(long objectHash, long offset, int length) {
        String fileName() {
            return String.format("%016x-%d-%d", objectHash, offset, length);
        }

        Path path(Path root) {
            return root.resolve(String.format("%02x", objectHash >>> 56)).resolve(fileName());
        }

        /** The slot a file name denotes, or null for a name this cache did not write. */
        static Slot parse(String name) {
            String[] parts = name.split("-", -1);
            if (parts.length != 3 || parts[0].length() != 16) return null;
            try {
                var s = new Slot(Long.parseUnsignedLong(parts[0], 16), Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
                return s.offset >= 0 && s.length >= 0 && s.fileName().equals(name) ? s : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private final Path dir;
    private final long bytesMax;
    private final int entriesMax;
    private final int entryBytesMax;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final LinkedHashMap<Slot, Integer> files = new LinkedHashMap<>(1024, 0.75f, true); // -> file bytes, LRU order
    private long totalBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder corrupt = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /**
     * Opens (or creates) the cache in {@code dir}, which no other open cache may use.
     *
     * @param bytesMax total size of all cache files; a range larger than an eighth of it is never kept
     * @param volume   names what is cached (e.g. the store URL): a directory last used for another volume is emptied,
     *                 since object keys repeat across volumes
     */
    public DiskRangeCache(Path dir, long bytesMax, String volume) {
        if (bytesMax <= 0) throw new IllegalArgumentException("disk cache budget must be positive");
        this.dir = dir;
        this.bytesMax = bytesMax;
        this.entriesMax = (int) Math.min(Integer.MAX_VALUE, Math.max(16, bytesMax / BYTES_PER_ENTRY_MIN));
        this.entryBytesMax = (int) Math.min(64 << 20, bytesMax / 8);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) throw new IllegalStateException("disk cache " + dir + " is already in use by another cache (one per directory)");
            this.lockChannel = channel;
            this.lock = l;
            claimFor(volume);
            loadExisting();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open disk cache " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private void claimFor(String volume) throws IOException {
        Path marker = dir.resolve("volume");
        String was = Files.exists(marker) ? Files.readString(marker) : null;
        if (volume.equals(was)) return;
        forEachCacheFile((p, a) -> Files.deleteIfExists(p));
        Path tmp = dir.resolve("volume" + TMP_SUFFIX);
        Files.writeString(tmp, volume);
        Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private interface FileVisitor {
        void visit(Path file, BasicFileAttributes attrs) throws IOException;
    }

    /** Every file in the shard directories (ours by name, or interrupted writes). */
    private void forEachCacheFile(FileVisitor visitor) throws IOException {
        for (int shard = 0; shard < 256; shard++) {
            Path d = dir.resolve(String.format("%02x", shard));
            if (!Files.isDirectory(d)) continue;
            try (var stream = Files.newDirectoryStream(d)) {
                for (Path p : stream) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(TMP_SUFFIX) || Slot.parse(name) != null) {
                        visitor.visit(p, Files.readAttributes(p, BasicFileAttributes.class));
                    }
                }
            }
        }
    }

    private void loadExisting() throws IOException {
        record Found(Slot slot, int size, FileTime mtime) {}
        List<Found> found = new ArrayList<>();
        forEachCacheFile((p, a) -> {
            String name = p.getFileName().toString();
            if (name.endsWith(TMP_SUFFIX)) {
                Files.deleteIfExists(p); // an interrupted write
            } else if (a.isRegularFile() && a.size() <= Integer.MAX_VALUE) {
                found.add(new Found(Slot.parse(name), (int) a.size(), a.lastModifiedTime()));
            }
        });
        found.sort((x, y) -> x.mtime.compareTo(y.mtime)); // a hit touches its file: oldest = least recently used
        List<Slot> victims;
        synchronized (this) {
            for (Found f : found) {
                files.put(f.slot, f.size);
                totalBytes += f.size;
            }
            victims = overBudget();
        }
        deleteFiles(victims);
    }

    @Override
    public byte[] get(String objectKey, long offset, int length) {
        if (length > entryBytesMax) return null;
        Slot slot = slot(objectKey, offset, length);
        boolean known;
        synchronized (this) {
            known = files.get(slot) != null; // also marks it recently used
        }
        byte[] cached = known ? readVerified(slot, objectKey) : null;
        if (cached == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        touch(slot);
        return cached;
    }

    /** The payload if the file is intact and holds the requested range; otherwise drops the file and returns null. */
    private byte[] readVerified(Slot slot, String objectKey) {
        byte[] key = objectKey.getBytes(StandardCharsets.UTF_8);
        int payloadAt = FIXED_HEADER_BYTES + key.length;
        int expected = payloadAt + slot.length;
        byte[] b = new byte[expected];
        try (var ch = FileChannel.open(slot.path(dir), StandardOpenOption.READ)) {
            if (ch.size() != expected) { // never read a file of unexpected size
                dropCorrupt(slot);
                return null;
            }
            var buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) break;
            }
            if (buf.hasRemaining()) {
                dropCorrupt(slot);
                return null;
            }
        } catch (NoSuchFileException e) {
            forget(slot); // evicted or invalidated meanwhile
            return null;
        } catch (IOException e) {
            dropCorrupt(slot);
            return null;
        }
        var buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        boolean ok = buf.getInt(0) == MAGIC
                && buf.getInt(4) == crc(b, 8, b.length - 8)
                && buf.getLong(8) == slot.offset
                && buf.getInt(16) == slot.length
                && (buf.getShort(20) & 0xFFFF) == key.length
                && Arrays.equals(b, 22, payloadAt, key, 0, key.length);
        if (!ok) {
            dropCorrupt(slot);
            return null;
        }
        return Arrays.copyOfRange(b, payloadAt, b.length);
    }

    /** Records the use in the file's mtime, which orders the index when it is rebuilt after a restart. */
    private void touch(Slot slot) {
        try {
            Files.setLastModifiedTime(slot.path(dir), FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ignored) {
            // only the order after a restart suffers
        }
    }

    @Override
    public void put(String objectKey, long offset, byte[] data) {
        byte[] key = objectKey.getBytes(StandardCharsets.UTF_8);
        if (data.length > entryBytesMax || key.length > 0xFFFF) return;
        Slot slot = slot(objectKey, offset, data.length);
        var buf = ByteBuffer.allocate(FIXED_HEADER_BYTES + key.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(0).putLong(offset).putInt(data.length).putShort((short) key.length).put(key).put(data);
        byte[] b = buf.array();
        buf.putInt(4, crc(b, 8, b.length - 8));
        Path target = slot.path(dir);
        Path tmp = target.resolveSibling(target.getFileName() + "." + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) + TMP_SUFFIX);
        try {
            Files.createDirectories(target.getParent());
            Files.write(tmp, b);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // A cache that cannot write is just a smaller cache; the caller has the data from the store.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            return;
        }
        List<Slot> victims;
        synchronized (this) {
            Integer old = files.put(slot, b.length);
            totalBytes += b.length - (old == null ? 0 : old);
            victims = overBudget();
        }
        deleteFiles(victims);
    }

    @Override
    public void drop(String objectKey, long offset, int length) {
        dropCorrupt(slot(objectKey, offset, length));
    }

    @Override
    public void invalidate(Collection<String> objectKeys) {
        if (objectKeys.isEmpty()) return;
        Set<Long> hashes = new HashSet<>();
        for (String k : objectKeys) hashes.add(objectHash(k));
        List<Slot> doomed = new ArrayList<>();
        synchronized (this) {
            var it = files.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (hashes.contains(e.getKey().objectHash)) {
                    it.remove();
                    totalBytes -= e.getValue();
                    doomed.add(e.getKey());
                }
            }
        }
        deleteFiles(doomed);
    }

    /** Removes least recently used entries until within both bounds; the caller deletes their files. */
    private List<Slot> overBudget() {
        List<Slot> victims = new ArrayList<>();
        var it = files.entrySet().iterator();
        while ((totalBytes > bytesMax || files.size() > entriesMax) && it.hasNext()) {
            var e = it.next();
            it.remove();
            totalBytes -= e.getValue();
            victims.add(e.getKey());
            evictions.increment();
        }
        return victims;
    }

    private void deleteFiles(List<Slot> slots) {
        for (Slot s : slots) {
            try {
                Files.deleteIfExists(s.path(dir));
            } catch (IOException ignored) {
                // forgotten; the next restart's scan counts it again if it survived
            }
        }
    }

    private synchronized void forget(Slot slot) {
        Integer size = files.remove(slot);
        if (size != null) totalBytes -= size;
    }

    private void dropCorrupt(Slot slot) {
        corrupt.increment();
        forget(slot);
        deleteFiles(List.of(slot));
    }

    static Slot slot(String objectKey, long offset, int length) {
        return new Slot(objectHash(objectKey), offset, length);
    }

    /** The file of a cached range (tests). */
    Path file(String objectKey, long offset, int length) {
        return slot(objectKey, offset, length).path(dir);
    }

    private static long objectHash(String objectKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(objectKey.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int crc(byte[] b, int off, int len) {
        var c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    public synchronized long totalBytes() {
        return totalBytes;
    }

    public long bytesMax() {
        return bytesMax;
    }

    public Counters counters() {
        long bytes;
        int entries;
        synchronized (this) {
            bytes = totalBytes;
            entries = files.size();
        }
        return new Counters(hits.sum(), misses.sum(), corrupt.sum(), evictions.sum(), bytes, entries);
    }

    /**
     * {@code misses} include ranges not cached and damaged copies; {@code corruptDropped}: cache files that failed
     * verification (or the caller's check) and were deleted, never served.
     */
    public record Counters(long hits, long misses, long corruptDropped, long evictions, long bytes, int entries) {}

    /** Releases the directory; the files stay for the next open. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing held any more
        }
    }

    @Override
    public String toString() {
        return "DiskRangeCache[" + dir + ", " + bytesMax + " bytes]";
    }
}
