package cairn.bench.fs;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** java.nio on the local disk: the baseline. Directory durability = fsync of the directory. */
final class NioFsTarget implements FsTarget {
    private final Path root;

    NioFsTarget(Path root) {
        this.root = root;
    }

    @Override
    public String name() {
        return "java.nio";
    }

    @Override
    public void mkdir(String dir) throws Exception {
        Files.createDirectory(root.resolve(dir));
    }

    @Override
    public void create(String dir, String name) throws Exception {
        Files.createFile(root.resolve(dir).resolve(name));
    }

    @Override
    public long stat(String dir, String name) throws Exception {
        return Files.readAttributes(root.resolve(dir).resolve(name), BasicFileAttributes.class).size();
    }

    @Override
    public void unlink(String dir, String name) throws Exception {
        Files.delete(root.resolve(dir).resolve(name));
    }

    @Override
    public long list(String dir) throws Exception {
        long count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(dir))) {
            for (Path ignored : entries) count++;
        }
        return count;
    }

    @Override
    public OpenFile open(String dir, String name) throws Exception {
        FileChannel ch = FileChannel.open(root.resolve(dir).resolve(name), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new OpenFile() {
            @Override
            public void write(long offset, byte[] data) throws Exception {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) ch.write(buf, offset + buf.position());
            }

            @Override
            public int read(long offset, int length) throws Exception {
                ByteBuffer buf = ByteBuffer.allocate(length);
                while (buf.hasRemaining()) {
                    if (ch.read(buf, offset + buf.position()) < 0) break;
                }
                return buf.position();
            }

            @Override
            public void fsync() throws Exception {
                ch.force(false);
            }

            @Override
            public void close() throws Exception {
                ch.close();
            }
        };
    }

    @Override
    public void syncDir(String dir) throws Exception {
        try (FileChannel ch = FileChannel.open(root.resolve(dir), StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void close() {}
}
