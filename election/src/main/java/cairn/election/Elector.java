package cairn.election;

/**
 * Liveness: decides which node should try to lead. It is never trusted for safety (that is the epoch ledger's
 * job); a wrong or split decision costs at most a failed takeover.
 */
public interface Elector extends AutoCloseable {

    /** Receives decisions; called from the elector's own threads, one call at a time. */
    interface Listener {
        /** This node should lead; {@code term} identifies the decision (raft term or lease generation). */
        void elected(long term);

        /** This node must stop leading at once. */
        void deposed(String reason);
    }

    void start(Listener listener);

    /**
     * Whether this node still leads in the decision {@code term} named. Decisions reach the listener through a
     * queue, behind slow work (a demotion, a claim against a stalled store), so one may arrive after it was
     * already lost; acting on it would claim an epoch and fence whoever leads now.
     */
    boolean leads(long term);

    /** Gives up leadership voluntarily (planned failover); the elector may elect another node. */
    void stepDown();

    /** A human-readable view: mode, term, who this elector believes leads. */
    String describe();

    @Override
    void close();
}
