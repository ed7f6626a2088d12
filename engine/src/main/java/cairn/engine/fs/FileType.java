package cairn.engine.fs;

/** Inode types, with their S_IFMT bits. */
public enum FileType {
    REGULAR(0100000), DIRECTORY(0040000), SYMLINK(0120000), FIFO(0010000), SOCKET(0140000),
    CHAR_DEVICE(0020000), BLOCK_DEVICE(0060000);

    public final int formatBits;

    FileType(int formatBits) {
        this.formatBits = formatBits;
    }
}
