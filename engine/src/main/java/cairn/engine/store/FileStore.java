package cairn.engine.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded store ({@code file://DIR}): objects are files under {@code DIR/objects}, as safe as S3 on one host.
 *
 * <p>A write goes to a temp file under {@code DIR/tmp/<instance>/}, is fsynced, then published: create-if-absent
 * by {@code link(2)} (atomic, fails if the name exists), replacement by an atomic rename; the directory is fsynced
 * before the call returns. Every mutation of a key runs under a striped lock that is both in-process and
 * cross-process ({@link FileStripeLocks}), so If-Match is a true compare-and-swap here, also between processes on
 * the same directory. Temp files of a crashed process are never listed (they are outside {@code objects/}) and are
 * removed by the next {@link FileStore} that opens the directory ({@link FileTempArea}). Layout of an object file:
 * {@link FileObjectFormat}; mapping of keys to paths: {@link FileKeys}.
 */
public final class FileStore implements ObjectStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Path objects;
    private final FileTempArea temp;
    private final FileStripeLocks locks;
    /** Directories whose entry in their parent is known durable (created and fsynced, or fsynced once). */
    private final Set<Path> durableDirs = ConcurrentHashMap.newKeySet();
    private final AtomicLong tempCounter = new AtomicLong();

    public FileStore(Path root) {
        try {
            this.root = Files.createDirectories(root).toRealPath();
            this.objects = Files.createDirectories(this.root.resolve("objects"));
            durableDirs.add(objects);
            this.locks = FileStripeLocks.acquire(Files.createDirectories(this.root.resolve("locks")));
            this.temp = FileTempArea.open(this.root.resolve("tmp"));
        } catch (IOException e) {
            throw new StoreException("cannot open file store at " + root + ": " + e.getMessage(), false, e);
        }
    }

    @Override
    public Optional<StoredObject> get(String key) {
        Path path = FileKeys.objectPath(objects, key);
        return io("get " + key, () -> {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long fileBytes = ch.size();
                if (fileBytes > Integer.MAX_VALUE - 16) throw new StoreException(key + ": object too large", false);
                ByteBuffer all = ByteBuffer.allocate((int) fileBytes);
                readFully(ch, all, 0);
                var h = FileObjectFormat.decodeHeader(all.flip(), fileBytes, path.toString());
                byte[] data = new byte[(int) h.dataBytes()];
                all.get(h.headerBytes(), data);
                FileObjectFormat.checkData(h, data, path.toString());
                return Optional.of(new StoredObject(data, info(key, h)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        if (offset < 0 || length < 0) throw new StoreException("negative range", false);
        Path path = FileKeys.objectPath(objects, key);
        return io("getRange " + key, () -> {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                var h = readHeader(ch, path);
                long from = Math.min(offset, h.dataBytes());
                int n = (int) Math.min(length, h.dataBytes() - from);
                ByteBuffer buf = ByteBuffer.allocate(n);
                readFully(ch, buf, h.headerBytes() + from);
                return Optional.of(new StoredObject(buf.array(), info(key, h)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Path path = FileKeys.objectPath(objects, key);
        return io("head " + key, () -> readInfo(key, path));
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        Path target = FileKeys.objectPath(objects, key);
        byte[] versionId = newVersionId();
        return withTempFile("put " + key, versionId, data, metadata, tmp -> locks.locked(key, () -> {
            ensureDir(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDir(target.getParent());
            return info(key, versionId, data.length, metadata);
        }));
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        Path target = FileKeys.objectPath(objects, key);
        byte[] versionId = newVersionId();
        return withTempFile("putIfAbsent " + key, versionId, data, metadata, tmp -> locks.locked(key, () -> {
            ensureDir(target.getParent());
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                return new ConditionalPut.Conflict();
            }
            fsyncDir(target.getParent());
            return new ConditionalPut.Written(info(key, versionId, data.length, metadata));
        }));
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        Path target = FileKeys.objectPath(objects, key);
        byte[] versionId = newVersionId();
        return withTempFile("putIfMatch " + key, versionId, data, metadata, tmp -> locks.locked(key, () -> {
            Optional<ObjectInfo> current = readInfo(key, target);
            if (current.isEmpty() || !current.get().etag().equals(etag)) return new ConditionalPut.Conflict();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDir(target.getParent());
            return new ConditionalPut.Written(info(key, versionId, data.length, metadata));
        }));
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        if (maxKeys <= 0) throw new StoreException("maxKeys must be positive", false);
        return io("list " + prefix, () -> {
            List<ObjectInfo> found = new ArrayList<>();
            walk(objects, "", prefix, startAfter, maxKeys + 1, found);
            boolean truncated = found.size() > maxKeys;
            return new ListPage(truncated ? found.subList(0, maxKeys) : found, truncated);
        });
    }

    @Override
    public void delete(String key) {
        Path target = FileKeys.objectPath(objects, key);
        io("delete " + key, () -> locks.locked(key, () -> {
            if (Files.deleteIfExists(target)) fsyncDir(target.getParent());
            return null;
        }));
    }

    @Override
    public String describe() {
        return "file://" + root;
    }

    @Override
    public void close() {
        temp.close();
        locks.release();
    }

    /** Directory holding this store's objects, for tests that inspect the layout. */
    Path objectsDir() {
        return objects;
    }

    // --- listing -------------------------------------------------------------------------------------------

    private record Child(String sortKey, String segment, Path path, boolean object) {}

    /** Appends to {@code out}, in ascending key order, the objects under {@code dir} (whose keys start with {@code keyPrefix}). */
    private void walk(Path dir, String keyPrefix, String prefix, String startAfter, int limit, List<ObjectInfo> out)
            throws IOException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                boolean object = name.endsWith(FileKeys.OBJECT_SUFFIX);
                String segment = FileKeys.unescape(object ? name.substring(0, name.length() - 1) : name);
                if (segment == null) continue; // not ours
                if (!object && !Files.isDirectory(p)) continue;
                children.add(new Child(keyPrefix + segment + (object ? "" : "/"), segment, p, object));
            }
        } catch (NoSuchFileException e) {
            return;
        }
        children.sort(Comparator.comparing(Child::sortKey));
        for (Child c : children) {
            if (out.size() >= limit) return;
            String k = c.sortKey();
            if (c.object()) {
                if (!k.startsWith(prefix) || (startAfter != null && k.compareTo(startAfter) <= 0)) continue;
                readInfo(k, c.path()).ifPresent(i -> out.add(new ObjectInfo(i.key(), i.size(), i.etag(), Map.of())));
            } else {
                // every key below starts with k: skip the subtree when it cannot match the prefix or lies before startAfter
                if (!k.startsWith(prefix) && !prefix.startsWith(k)) continue;
                if (startAfter != null && !startAfter.startsWith(k) && startAfter.compareTo(k) > 0) continue;
                walk(c.path(), k, prefix, startAfter, limit, out);
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private interface TempBody<T> {
        T publish(Path tmp) throws IOException;
    }

    private <T> T withTempFile(String what, byte[] versionId, byte[] data, Map<String, String> metadata,
                               TempBody<T> body) {
        byte[] header = FileObjectFormat.encodeHeader(versionId, data, metadata);
        return io(what, () -> {
            Path tmp = temp.dir().resolve(Long.toString(tempCounter.incrementAndGet()));
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer[] bufs = {ByteBuffer.wrap(header), ByteBuffer.wrap(data)};
                    while (bufs[1].hasRemaining() || bufs[0].hasRemaining()) ch.write(bufs);
                    ch.force(true);
                }
                return body.publish(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        });
    }

    private Optional<ObjectInfo> readInfo(String key, Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return Optional.of(info(key, readHeader(ch, path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static FileObjectFormat.Header readHeader(FileChannel ch, Path path) throws IOException {
        long fileBytes = ch.size();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(fileBytes, FileObjectFormat.HEADER_BYTES_MAX));
        readFully(ch, buf, 0);
        return FileObjectFormat.decodeHeader(buf.flip(), fileBytes, path.toString());
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position);
            if (n < 0) throw new StoreException("unexpected end of file", false);
            position += n;
        }
    }

    /** Creates {@code dir} and its parents if needed, making every new entry durable before returning. */
    private void ensureDir(Path dir) throws IOException {
        if (durableDirs.contains(dir)) return;
        ensureDir(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // created by another thread or process, maybe not yet fsynced in its parent: fsync it ourselves
        }
        fsyncDir(dir.getParent());
        durableDirs.add(dir);
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static byte[] newVersionId() {
        byte[] v = new byte[16];
        RANDOM.nextBytes(v);
        return v;
    }

    private static ObjectInfo info(String key, FileObjectFormat.Header h) {
        return new ObjectInfo(key, h.dataBytes(), h.etag(), h.metadata());
    }

    private static ObjectInfo info(String key, byte[] versionId, long size, Map<String, String> metadata) {
        return info(key, new FileObjectFormat.Header(versionId, size, 0, metadata, 0));
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code body}, turning I/O errors into non-retryable store errors (a local disk error does not heal by retrying). */
    private static <T> T io(String what, IoCall<T> body) {
        try {
            return body.call();
        } catch (IOException | UncheckedIOException e) {
            throw new StoreException(what + ": " + e, false, e);
        }
    }
}
