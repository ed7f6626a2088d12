package cairn.engine.fs.schema;

import cairn.engine.fs.FileType;

/** Stable one-byte codes for {@link FileType} in stored values (independent of enum order). */
public final class TypeCodes {
    private TypeCodes() {}

    public static byte code(FileType t) {
        return switch (t) {
            case REGULAR -> 1;
            case DIRECTORY -> 2;
            case SYMLINK -> 3;
            case FIFO -> 4;
            case SOCKET -> 5;
            case CHAR_DEVICE -> 6;
            case BLOCK_DEVICE -> 7;
        };
    }

    public static FileType type(byte code) {
        return switch (code) {
            case 1 -> FileType.REGULAR;
            case 2 -> FileType.DIRECTORY;
            case 3 -> FileType.SYMLINK;
            case 4 -> FileType.FIFO;
            case 5 -> FileType.SOCKET;
            case 6 -> FileType.CHAR_DEVICE;
            case 7 -> FileType.BLOCK_DEVICE;
            default -> throw new IllegalStateException("corrupt value: unknown file type code " + code);
        };
    }
}
