package cairn.protocols.ninep;

import cairn.engine.fs.Caller;
import cairn.engine.fs.XattrMode;

/**
 * What one fid of a connection names: an inode reached from an attach root, where it was reached from
 * ({@code parent}/{@code name}, for Tremove and Trename; the attach root has parent 0), who uses it and its
 * state. Immutable: a state change replaces the record in the {@link FidTable}.
 */
record Fid(long ino, long root, long parent, String name, Caller caller, State state) {

    sealed interface State {}

    /** Walked or attached, not opened: may be walked from, opened, or turned into an xattr fid. */
    record Unopened() implements State {}

    /** Opened with Tlopen/Tlcreate: holds one {@code FileSystem.open} pin until clunked. */
    record Opened(int flags, boolean directory) implements State {
        boolean canRead() {
            int acc = flags & 3;
            return acc == 0 || acc == 2;
        }

        boolean canWrite() {
            int acc = flags & 3;
            return acc == 1 || acc == 2;
        }
    }

    /** After Txattrwalk: reads return {@code data} (a value, or the NUL-separated name list). */
    record XattrRead(byte[] data) implements State {}

    /** After Txattrcreate: writes fill {@code value}; clunk sets (or, for size 0, removes) the attribute. */
    record XattrWrite(String name, XattrMode mode, XattrBuffer value) implements State {}

    static final Unopened UNOPENED = new Unopened();

    Fid with(State newState) {
        return new Fid(ino, root, parent, name, caller, newState);
    }

    Fid at(long newIno, long newParent, String newName) {
        return new Fid(newIno, root, newParent, newName, caller, state);
    }

    boolean isRoot() {
        return parent == 0;
    }
}
