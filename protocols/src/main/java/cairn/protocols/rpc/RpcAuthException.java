package cairn.protocols.rpc;

/** A program refuses a call's credential: the reply is MSG_DENIED / AUTH_ERROR with {@code authStat}. */
public final class RpcAuthException extends RuntimeException {
    private final int authStat;

    public RpcAuthException(int authStat) {
        super("auth_stat " + authStat, null, false, false);
        this.authStat = authStat;
    }

    public int authStat() {
        return authStat;
    }
}
