package cairn.protocols.ninep;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FsException;

/** The value of a pending Txattrcreate, filled by writes at offsets; its size is fixed (at most 64 KiB). */
final class XattrBuffer {
    private final byte[] value;
    private int filled;

    XattrBuffer(int size) {
        this.value = new byte[size];
    }

    synchronized void write(long offset, byte[] data) {
        if (offset < 0 || offset + data.length > value.length) {
            throw new FsException(Errno.EINVAL, "xattr write beyond the declared size " + value.length);
        }
        System.arraycopy(data, 0, value, (int) offset, data.length);
        filled = Math.max(filled, (int) offset + data.length);
    }

    /** The value, or EINVAL when fewer bytes were written than declared. */
    synchronized byte[] complete() {
        if (filled != value.length) {
            throw new FsException(Errno.EINVAL, "xattr value has " + filled + " of " + value.length + " bytes");
        }
        return value.clone();
    }

    int size() {
        return value.length;
    }
}
