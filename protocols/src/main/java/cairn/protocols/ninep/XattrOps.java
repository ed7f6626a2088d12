package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsException;
import cairn.engine.fs.XattrMode;
import cairn.protocols.ninep.Fid.Unopened;
import cairn.protocols.ninep.Fid.XattrRead;
import cairn.protocols.ninep.Fid.XattrWrite;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Rmessage.Rxattrcreate;
import cairn.protocols.ninep.wire.Rmessage.Rxattrwalk;
import cairn.protocols.ninep.wire.Tmessage.Txattrcreate;
import cairn.protocols.ninep.wire.Tmessage.Txattrwalk;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Extended attributes the 9P2000.L way. Get and list: Txattrwalk makes a new fid whose reads return the
 * value (or, for an empty name, the NUL-terminated names). Set and remove: Txattrcreate turns a fid into
 * a write buffer of the declared size; the clunk applies it, and a declared size of 0 removes the attribute
 * (as Linux's v9fs sends removexattr) unless XATTR_CREATE asks for an empty value.
 */
final class XattrOps {
    private final FileSystem fs;

    XattrOps(FileSystem fs) {
        this.fs = fs;
    }

    Rmessage walk(Session s, Txattrwalk m) {
        Fid f = s.fids.get(m.fid());
        if (m.newfid() == m.fid() && !(f.state() instanceof Unopened)) {
            throw new FsException(Errno.EBADF, "xattrwalk in place of an open fid");
        }
        if (f.state() instanceof XattrRead || f.state() instanceof XattrWrite) {
            throw new FsException(Errno.EBADF, "xattrwalk from an xattr fid");
        }
        if (m.newfid() != m.fid()) s.fids.checkUnused(m.newfid());
        byte[] data = m.name().isEmpty() ? names(f) : fs.getxattr(f.caller(), f.ino(), m.name());
        Fid x = new Fid(f.ino(), f.root(), f.parent(), f.name(), f.caller(), new XattrRead(data));
        if (m.newfid() == m.fid()) s.fids.replace(m.fid(), f, x);
        else s.fids.add(m.newfid(), x);
        return new Rxattrwalk(m.tag(), data.length);
    }

    private byte[] names(Fid f) {
        var out = new ByteArrayOutputStream();
        for (String n : fs.listxattr(f.caller(), f.ino())) {
            out.writeBytes(n.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    Rmessage create(Session s, Txattrcreate m) {
        Fid f = s.fids.get(m.fid());
        if (!(f.state() instanceof Unopened)) throw new FsException(Errno.EBADF, "xattrcreate on an open fid");
        if (m.attrSize() < 0 || m.attrSize() > XATTR_SIZE_MAX) throw new FsException(Errno.E2BIG, "xattr size");
        if (m.name().isEmpty()) throw new FsException(Errno.EINVAL, "empty xattr name");
        XattrMode mode = switch (m.flags()) {
            case 0 -> XattrMode.UPSERT;
            case XATTR_CREATE -> XattrMode.CREATE;
            case XATTR_REPLACE -> XattrMode.REPLACE;
            default -> throw new FsException(Errno.EINVAL, "xattr flags " + m.flags());
        };
        if (fs.readOnly()) throw new FsException(Errno.EROFS, "read-only volume");
        s.fids.replace(m.fid(), f, f.with(new XattrWrite(m.name(), mode, new XattrBuffer((int) m.attrSize()))));
        return new Rxattrcreate(m.tag());
    }

    /** At clunk of an xattrcreate fid. */
    void commit(Fid f, XattrWrite x) {
        byte[] value = x.value().complete();
        if (value.length == 0 && x.mode() != XattrMode.CREATE) fs.removexattr(f.caller(), f.ino(), x.name());
        else fs.setxattr(f.caller(), f.ino(), x.name(), value, x.mode());
    }

    static byte[] slice(byte[] data, long offset, int count) {
        if (offset >= data.length) return new byte[0];
        return Arrays.copyOfRange(data, (int) offset, (int) Math.min(data.length, offset + count));
    }
}
