package cairn.protocols.nfs;

import cairn.protocols.rpc.XdrWriter;

import static cairn.protocols.nfs.Nfs3Xdr.writePostOpAttr;
import static cairn.protocols.nfs.Nfs3Xdr.writeWcc;

/** Encodes NFSv3 results (RFC 1813 section 3.3); {@code fsid} goes into every fattr3. */
public final class NfsResultEncoder {
    private final long fsid;

    public NfsResultEncoder(long fsid) {
        this.fsid = fsid;
    }

    public void encode(NfsResponse response, XdrWriter w) {
        if (response instanceof NfsResponse.Void) return;
        int status = response.status();
        boolean ok = status == Nfs3.OK;
        w.writeInt(status);
        switch (response) {
            case NfsResponse.Void v -> { }
            case NfsResponse.AttrRes a -> {
                if (ok) Nfs3Xdr.writeFattr(w, a.attr(), fsid);
            }
            case NfsResponse.WccRes c -> writeWcc(w, c.wcc(), fsid);
            case NfsResponse.LookupRes l -> {
                if (ok) {
                    w.writeOpaque(l.fh());
                    writePostOpAttr(w, l.obj(), fsid);
                }
                writePostOpAttr(w, l.dir(), fsid);
            }
            case NfsResponse.AccessRes a -> {
                writePostOpAttr(w, a.obj(), fsid);
                if (ok) w.writeInt(a.access());
            }
            case NfsResponse.ReadLinkRes l -> {
                writePostOpAttr(w, l.obj(), fsid);
                if (ok) w.writeString(l.target());
            }
            case NfsResponse.ReadRes rd -> {
                writePostOpAttr(w, rd.obj(), fsid);
                if (ok) w.writeInt(rd.data().length).writeBool(rd.eof()).writeOpaque(rd.data());
            }
            case NfsResponse.WriteRes wr -> {
                writeWcc(w, wr.wcc(), fsid);
                if (ok) w.writeInt(wr.count()).writeInt(wr.committed()).writeHyper(wr.verifier());
            }
            case NfsResponse.CreateRes c -> {
                if (ok) {
                    Nfs3Xdr.writePostOpFh(w, c.fh());
                    writePostOpAttr(w, c.obj(), fsid);
                }
                writeWcc(w, c.dir(), fsid);
            }
            case NfsResponse.RenameRes rn -> {
                writeWcc(w, rn.from(), fsid);
                writeWcc(w, rn.to(), fsid);
            }
            case NfsResponse.LinkRes l -> {
                writePostOpAttr(w, l.file(), fsid);
                writeWcc(w, l.dir(), fsid);
            }
            case NfsResponse.ReadDirRes d -> readDir(w, d);
            case NfsResponse.FsStatRes s -> {
                writePostOpAttr(w, s.obj(), fsid);
                if (ok) {
                    var st = s.stat();
                    w.writeHyper(st.totalBytes()).writeHyper(st.freeBytes()).writeHyper(st.availableBytes())
                            .writeHyper(st.totalInodes()).writeHyper(st.freeInodes()).writeHyper(st.freeInodes())
                            .writeInt(0);
                }
            }
            case NfsResponse.FsInfoRes f -> {
                writePostOpAttr(w, f.obj(), fsid);
                if (ok) {
                    w.writeInt(f.readMax()).writeInt(f.readMax()).writeInt(f.preferredMultiple())
                            .writeInt(f.writeMax()).writeInt(f.writeMax()).writeInt(f.preferredMultiple())
                            .writeInt(f.dirPreferred()).writeHyper(f.maxFileSize());
                    Nfs3Xdr.writeTime(w, 1);
                    w.writeInt(Nfs3.FSF3_LINK | Nfs3.FSF3_SYMLINK | Nfs3.FSF3_HOMOGENEOUS | Nfs3.FSF3_CANSETTIME);
                }
            }
            case NfsResponse.PathConfRes p -> {
                writePostOpAttr(w, p.obj(), fsid);
                if (ok) {
                    // no_trunc, chown_restricted, case_insensitive, case_preserving
                    w.writeInt(p.linkMax()).writeInt(p.nameMax()).writeBool(true).writeBool(true).writeBool(false)
                            .writeBool(true);
                }
            }
            case NfsResponse.CommitRes c -> {
                writeWcc(w, c.wcc(), fsid);
                if (ok) w.writeHyper(c.verifier());
            }
        }
    }

    private void readDir(XdrWriter w, NfsResponse.ReadDirRes d) {
        writePostOpAttr(w, d.dir(), fsid);
        if (d.status() != Nfs3.OK) return;
        w.writeHyper(d.cookieVerifier());
        for (var e : d.entries()) {
            w.writeBool(true).writeHyper(e.fileId()).writeString(e.name()).writeHyper(e.cookie());
            if (d.plus()) {
                writePostOpAttr(w, e.attr(), fsid);
                Nfs3Xdr.writePostOpFh(w, e.fh());
            }
        }
        w.writeBool(false).writeBool(d.eof());
    }

    /** Bytes an entry takes in a READDIR(PLUS) reply, for the count limits. */
    static int entryBytes(int nameBytes, boolean plus) {
        int base = 4 + 8 + 4 + ((nameBytes + 3) & ~3) + 8;
        return plus ? base + 4 + FATTR_BYTES + 4 + 4 + 32 : base;
    }

    /** A fattr3 on the wire. */
    static final int FATTR_BYTES = 84;
    /** dircount counts only fileid, name and cookie of each entry. */
    static int dirInfoBytes(int nameBytes) {
        return 8 + 4 + ((nameBytes + 3) & ~3) + 8;
    }
}
