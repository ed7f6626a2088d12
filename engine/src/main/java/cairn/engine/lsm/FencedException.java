package cairn.engine.lsm;

/** This writer was superseded by a newer epoch; it can make nothing durable any more. */
public class FencedException extends RuntimeException {
    private final long ownEpoch;
    private final long newerEpoch;

    public FencedException(long ownEpoch, long newerEpoch, String detail) {
        super("writer at epoch " + ownEpoch + " is fenced by epoch " + newerEpoch + ": " + detail);
        this.ownEpoch = ownEpoch;
        this.newerEpoch = newerEpoch;
    }

    public long ownEpoch() {
        return ownEpoch;
    }

    public long newerEpoch() {
        return newerEpoch;
    }
}
