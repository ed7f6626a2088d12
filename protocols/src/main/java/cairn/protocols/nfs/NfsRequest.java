package cairn.protocols.nfs;

import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.FileType;
import cairn.engine.fs.SetAttr;

/** The decoded arguments of each NFSv3 procedure (RFC 1813 section 3.3). Handles are raw wire bytes. */
public sealed interface NfsRequest {

    /** Whether the procedure changes the filesystem (refused on a read-only export). */
    default boolean mutates() {
        return false;
    }

    record Null() implements NfsRequest {}

    record GetAttr(byte[] fh) implements NfsRequest {}

    /** {@code guardCtimeNs}: the ctime the object must still have, or null for no guard. */
    record SetAttrs(byte[] fh, SetAttr change, Long guardCtimeNs) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    record Lookup(byte[] dir, String name) implements NfsRequest {}

    record Access(byte[] fh, int mask) implements NfsRequest {}

    record ReadLink(byte[] fh) implements NfsRequest {}

    record Read(byte[] fh, long offset, int count) implements NfsRequest {}

    record Write(byte[] fh, long offset, int count, int stable, byte[] data) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    /** {@code verifier} only for EXCLUSIVE, {@code attrs} only otherwise. */
    record Create(byte[] dir, String name, int how, SetAttr attrs, byte[] verifier) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    record Mkdir(byte[] dir, String name, SetAttr attrs) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    record Symlink(byte[] dir, String name, SetAttr attrs, String target) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    /** {@code type} null when the ftype3 cannot be created by MKNOD (the reply is NFS3ERR_BADTYPE). */
    record Mknod(byte[] dir, String name, FileType type, SetAttr attrs, DeviceNumber rdev) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    record Remove(byte[] dir, String name) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    record Rmdir(byte[] dir, String name) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    record Rename(byte[] fromDir, String fromName, byte[] toDir, String toName) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    record Link(byte[] fh, byte[] dir, String name) implements NfsRequest {
        public boolean mutates() {
            return true;
        }
    }

    /** READDIR ({@code plus} false, {@code dirCount} unused) and READDIRPLUS. */
    record ReadDir(byte[] dir, long cookie, long cookieVerifier, int dirCount, int maxCount, boolean plus)
            implements NfsRequest {}

    record FsStat(byte[] fh) implements NfsRequest {}

    record FsInfo(byte[] fh) implements NfsRequest {}

    record PathConf(byte[] fh) implements NfsRequest {}

    record Commit(byte[] fh, long offset, int count) implements NfsRequest {}
}
