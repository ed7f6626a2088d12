package cairn.protocols.nfs;

import cairn.engine.fs.Attr;
import cairn.engine.fs.StatFs;

import java.util.List;

/**
 * The results of each NFSv3 procedure. Every record carries the nfsstat3; fields that the reply does not carry
 * for that status are ignored by the encoder. Null attributes and handles are "not present" on the wire.
 */
public sealed interface NfsResponse {

    int status();

    record Void() implements NfsResponse {
        public int status() {
            return Nfs3.OK;
        }
    }

    /** GETATTR. */
    record AttrRes(int status, Attr attr) implements NfsResponse {}

    /** SETATTR, REMOVE, RMDIR. */
    record WccRes(int status, Wcc wcc) implements NfsResponse {}

    record LookupRes(int status, byte[] fh, Attr obj, Attr dir) implements NfsResponse {}

    record AccessRes(int status, Attr obj, int access) implements NfsResponse {}

    record ReadLinkRes(int status, Attr obj, String target) implements NfsResponse {}

    record ReadRes(int status, Attr obj, boolean eof, byte[] data) implements NfsResponse {}

    record WriteRes(int status, Wcc wcc, int count, int committed, long verifier) implements NfsResponse {}

    /** CREATE, MKDIR, SYMLINK, MKNOD. */
    record CreateRes(int status, byte[] fh, Attr obj, Wcc dir) implements NfsResponse {}

    record RenameRes(int status, Wcc from, Wcc to) implements NfsResponse {}

    record LinkRes(int status, Attr file, Wcc dir) implements NfsResponse {}

    /** READDIR and READDIRPLUS ({@code plus}: entries carry attributes and handles). */
    record ReadDirRes(int status, boolean plus, Attr dir, long cookieVerifier, List<Entry> entries, boolean eof)
            implements NfsResponse {
        public record Entry(long fileId, String name, long cookie, Attr attr, byte[] fh) {}
    }

    record FsStatRes(int status, Attr obj, StatFs stat) implements NfsResponse {}

    record FsInfoRes(int status, Attr obj, int readMax, int writeMax, int preferredMultiple, int dirPreferred,
                     long maxFileSize) implements NfsResponse {}

    record PathConfRes(int status, Attr obj, int linkMax, int nameMax) implements NfsResponse {}

    record CommitRes(int status, Wcc wcc, long verifier) implements NfsResponse {}
}
