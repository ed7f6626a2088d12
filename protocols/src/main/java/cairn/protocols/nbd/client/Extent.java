package cairn.protocols.nbd.client;

import cairn.protocols.nbd.NbdProtocol;

/** One {@code base:allocation} extent of a block-status reply, with its absolute offset. */
public record Extent(long offset, long length, int flags) {
    public boolean hole() {
        return (flags & NbdProtocol.STATE_HOLE) != 0;
    }

    public boolean zero() {
        return (flags & NbdProtocol.STATE_ZERO) != 0;
    }
}
