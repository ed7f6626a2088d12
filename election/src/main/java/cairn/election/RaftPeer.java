package cairn.election;

/** One HA node as the election sees it: its id, its raft address ({@code host:port}) and its client address. */
public record RaftPeer(String nodeId, String raftAddress, String clientAddress) {}
