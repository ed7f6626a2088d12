package cairn.election;

/** A node's view of the cluster for {@code cairn status} and metrics. */
public record RoleStatus(String nodeId, Role role, long ownEpoch, long latestEpoch, String leaderNodeId,
                         String leaderClientAddress, long term, String elector) {}
