package cairn.election;

/** What the server does when the role changes; implemented by the server's wiring. */
public interface RoleActions {

    /**
     * Opens the engine as writer at {@code epoch} (manifest bump + WAL fence + replay) and starts answering
     * clients. Throws if that fails (for example because a newer epoch already fenced it).
     */
    void promote(EpochRecord epoch) throws Exception;

    /** Stops answering at once, fails pending barriers, closes client connections, becomes a warm standby. */
    void demote(String reason);
}
