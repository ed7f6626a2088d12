package cairn.election;

/** What a node does right now. The numeric code is exported as the {@code cairn_ha_role} gauge. */
public enum Role {
    STANDBY(0), PROMOTING(1), LEADER(2), DEMOTING(3), REPLICA(4), STOPPED(5);

    public final int code;

    Role(int code) {
        this.code = code;
    }
}
