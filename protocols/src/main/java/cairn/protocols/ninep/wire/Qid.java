package cairn.protocols.ninep.wire;

/** The server's unique identity of a file: type bits, path (inode id) and version (inode generation). */
public record Qid(int type, int version, long path) {
    public static final int BYTES = 13;

    public static final int QTDIR = 0x80;
    public static final int QTAPPEND = 0x40;
    public static final int QTEXCL = 0x20;
    public static final int QTMOUNT = 0x10;
    public static final int QTAUTH = 0x08;
    public static final int QTTMP = 0x04;
    public static final int QTSYMLINK = 0x02;
    public static final int QTFILE = 0x00;
}
