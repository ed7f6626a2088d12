package cairn.protocols.nfs.client;

/** A procedure answered with a non-OK nfsstat3 or mountstat3. */
public final class NfsException extends RuntimeException {
    private final int status;

    public NfsException(String procedure, int status) {
        super(procedure + " failed with status " + status);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
