package cairn.bench.fs;

/** The filesystem operations the benchmark times, one level of directories under the target's root. */
interface FsTarget extends AutoCloseable {
    String name();

    void mkdir(String dir) throws Exception;

    void create(String dir, String name) throws Exception;

    /** The file's size, read from its attributes. */
    long stat(String dir, String name) throws Exception;

    void unlink(String dir, String name) throws Exception;

    /** Lists the whole directory; returns the number of entries. */
    long list(String dir) throws Exception;

    OpenFile open(String dir, String name) throws Exception;

    /** Makes every earlier change of {@code dir} durable (its entries and their inodes). */
    void syncDir(String dir) throws Exception;

    interface OpenFile extends AutoCloseable {
        void write(long offset, byte[] data) throws Exception;

        int read(long offset, int length) throws Exception;

        void fsync() throws Exception;

        @Override
        void close() throws Exception;
    }
}
