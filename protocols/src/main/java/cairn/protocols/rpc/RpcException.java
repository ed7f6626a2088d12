package cairn.protocols.rpc;

/** A client-side RPC failure: connection lost, timeout, or a reply that is not SUCCESS. */
public class RpcException extends RuntimeException {
    public RpcException(String message) {
        super(message);
    }

    public RpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
