package cairn.protocols.ninep.wire;

/** 9P2000.L message type numbers (a T-message's reply is its number + 1). */
public final class MessageType {
    public static final int RLERROR = 7;
    public static final int TSTATFS = 8;
    public static final int TLOPEN = 12;
    public static final int TLCREATE = 14;
    public static final int TSYMLINK = 16;
    public static final int TMKNOD = 18;
    public static final int TRENAME = 20;
    public static final int TREADLINK = 22;
    public static final int TGETATTR = 24;
    public static final int TSETATTR = 26;
    public static final int TXATTRWALK = 30;
    public static final int TXATTRCREATE = 32;
    public static final int TREADDIR = 40;
    public static final int TFSYNC = 50;
    public static final int TLOCK = 52;
    public static final int TGETLOCK = 54;
    public static final int TLINK = 70;
    public static final int TMKDIR = 72;
    public static final int TRENAMEAT = 74;
    public static final int TUNLINKAT = 76;
    public static final int TVERSION = 100;
    public static final int TAUTH = 102;
    public static final int TATTACH = 104;
    public static final int TFLUSH = 108;
    public static final int TWALK = 110;
    public static final int TREAD = 116;
    public static final int TWRITE = 118;
    public static final int TCLUNK = 120;
    public static final int TREMOVE = 122;

    private MessageType() {}
}
