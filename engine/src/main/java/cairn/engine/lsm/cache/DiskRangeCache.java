package cairn.engine.lsm.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * A local-disk cache of byte ranges of immutable objects (SST blocks, WAL value ranges), one file per range,
 * in front of another {@link RangeReader}. Bounded in total bytes (least recently used files are deleted
 * first), survives restarts (the directory is re-scanned on start, oldest modification time first), and never
 * serves a damaged file: each file carries its object key, range and a CRC32C of the payload, checked on every
 * read; a file that fails is deleted and the range fetched again.
 *
 * <p>File layout: {@code magic u32 "CRC1" | crc32c u32 (of everything after it) | offset u64 | length u32 |
 * keyLength u16 | objectKey UTF-8 | payload}. Only use it for objects that never change once written.
 */
public final class DiskRangeCache implements RangeReader {
    private static final int MAGIC = 0x31435243; // "CRC1" little-endian
    private static final int FIXED_HEADER_BYTES = 4 + 4 + 8 + 4 + 2;
    private static final String TMP_SUFFIX = ".tmp";

    private final Path dir;
    private final long bytesMax;
    private final int entryBytesMax;
    private final RangeReader backing;
    private final LinkedHashMap<String, Long> files = new LinkedHashMap<>(1024, 0.75f, true); // name -> size, LRU
    private long totalBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder corrupt = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /**
     * @param bytesMax     total size of all cache files
     * @param entryBytesMax larger ranges bypass the cache
     */
    public DiskRangeCache(Path dir, long bytesMax, int entryBytesMax, RangeReader backing) {
        this.dir = dir;
        this.bytesMax = bytesMax;
        this.entryBytesMax = (int) Math.min(entryBytesMax, bytesMax);
        this.backing = backing;
        try {
            Files.createDirectories(dir);
            loadExisting();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open disk cache " + dir, e);
        }
    }

    private void loadExisting() throws IOException {
        record Found(String name, long size, FileTime mtime) {}
        List<Found> found = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(TMP_SUFFIX)) {
                    Files.deleteIfExists(p); // an interrupted write
                } else if (Files.isRegularFile(p)) {
                    found.add(new Found(name, Files.size(p), Files.getLastModifiedTime(p)));
                }
            }
        }
        found.sort((a, b) -> a.mtime.compareTo(b.mtime));
        synchronized (this) {
            for (Found f : found) {
                files.put(f.name, f.size);
                totalBytes += f.size;
            }
            evictOverBudget();
        }
    }

    @Override
    public byte[] read(String objectKey, long offset, int length) {
        if (length > entryBytesMax) return backing.read(objectKey, offset, length);
        String name = fileName(objectKey, offset, length);
        boolean known;
        synchronized (this) {
            known = files.get(name) != null; // also marks it recently used
        }
        if (known) {
            byte[] cached = readVerified(name, objectKey, offset, length);
            if (cached != null) {
                hits.increment();
                return cached;
            }
        }
        misses.increment();
        byte[] data = backing.read(objectKey, offset, length);
        store(name, objectKey, offset, data);
        return data;
    }

    /** The payload if the file is intact and is the requested range; otherwise drops the file and returns null. */
    private byte[] readVerified(String name, String objectKey, long offset, int length) {
        Path p = dir.resolve(name);
        byte[] key = objectKey.getBytes(StandardCharsets.UTF_8);
        int payloadAt = FIXED_HEADER_BYTES + key.length;
        byte[] b;
        try {
            if (Files.size(p) != (long) payloadAt + length) { // never read a file of unexpected size
                corrupt.increment();
                drop(name);
                return null;
            }
            b = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            forget(name);
            return null;
        } catch (IOException e) {
            drop(name);
            return null;
        }
        var buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean ok = b.length == payloadAt + length
                && buf.getInt(0) == MAGIC
                && buf.getInt(4) == crc(b, 8, b.length - 8)
                && buf.getLong(8) == offset
                && buf.getInt(16) == length
                && (buf.getShort(20) & 0xFFFF) == key.length
                && java.util.Arrays.equals(b, 22, payloadAt, key, 0, key.length);
        if (!ok) {
            corrupt.increment();
            drop(name);
            return null;
        }
        return java.util.Arrays.copyOfRange(b, payloadAt, b.length);
    }

    private void store(String name, String objectKey, long offset, byte[] data) {
        byte[] key = objectKey.getBytes(StandardCharsets.UTF_8);
        if (key.length > 0xFFFF) return;
        var buf = java.nio.ByteBuffer.allocate(FIXED_HEADER_BYTES + key.length + data.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(0).putLong(offset).putInt(data.length).putShort((short) key.length).put(key).put(data);
        byte[] b = buf.array();
        buf.putInt(4, crc(b, 8, b.length - 8));
        Path tmp = dir.resolve(name + "." + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) + TMP_SUFFIX);
        try {
            Files.write(tmp, b);
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // A cache that cannot write is just a smaller cache; the data was served from the backing reader.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            return;
        }
        synchronized (this) {
            Long old = files.put(name, (long) b.length);
            totalBytes += b.length - (old == null ? 0 : old);
            evictOverBudget();
        }
    }

    private void evictOverBudget() {
        var it = files.entrySet().iterator();
        while (totalBytes > bytesMax && it.hasNext()) {
            var e = it.next();
            it.remove();
            totalBytes -= e.getValue();
            evictions.increment();
            try {
                Files.deleteIfExists(dir.resolve(e.getKey()));
            } catch (IOException ignored) {
                // the file is forgotten; a later scan re-counts it if it survived
            }
        }
    }

    private synchronized void forget(String name) {
        Long size = files.remove(name);
        if (size != null) totalBytes -= size;
    }

    private void drop(String name) {
        forget(name);
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException ignored) {
            // already forgotten; never served
        }
    }

    /** File name: SHA-256 of (objectKey, offset, length), so any key is safe on any filesystem. */
    static String fileName(String objectKey, long offset, int length) {
        try {
            var md = MessageDigest.getInstance("SHA-256");
            md.update(objectKey.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update((offset + ":" + length).getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(), 0, 20);
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

    public Counters counters() {
        return new Counters(hits.sum(), misses.sum(), corrupt.sum(), evictions.sum(), totalBytes());
    }

    /** {@code corruptDropped}: cache files that failed verification and were deleted (never served). */
    public record Counters(long hits, long misses, long corruptDropped, long evictions, long bytes) {}
}
