package cairn.engine.fs;

/** Who holds a lock: a session (a connection or client) and the owner id it gave (a pid, an NLM owner). */
public record LockOwner(String session, long owner) {}
