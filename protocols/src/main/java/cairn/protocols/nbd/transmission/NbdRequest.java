package cairn.protocols.nbd.transmission;

import cairn.protocols.nbd.NbdProtocol;

/**
 * One transmission-phase request. {@code offset} is the wire's unsigned 64-bit value (negative here means
 * beyond 2^63, always past the end); {@code length} is the unsigned 32-bit length; {@code payload} holds the
 * data of a WRITE and is empty otherwise.
 */
public record NbdRequest(int flags, int type, long handle, long offset, long length, byte[] payload) {
    private static final byte[] NONE = new byte[0];
    /** What every request costs against the memory budget beyond its data (record, thread, reply header). */
    private static final int OVERHEAD_BYTES = 256;

    public NbdRequest {
        if (payload == null) payload = NONE;
    }

    public boolean flag(int bit) {
        return (flags & bit) != 0;
    }

    /** Bytes this request may hold until its reply is written: its payload plus the data a READ returns. */
    public long costBytes() {
        long reply = type == NbdProtocol.CMD_READ ? Math.min(length, NbdProtocol.BLOCK_SIZE_MAX) : 0;
        return OVERHEAD_BYTES + payload.length + reply;
    }
}
