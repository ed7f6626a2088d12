package cairn.election.peer;

import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;

/** A jraft RPC server that puts every request processor registered on it behind a {@link SenderCheckedProcessor}. */
final class SenderCheckedRpcServer implements RpcServer {
    private final RpcServer server;
    private final PeerMembers members;
    private final Refusals refusals;

    SenderCheckedRpcServer(RpcServer server, PeerMembers members, Refusals refusals) {
        this.server = server;
        this.members = members;
        this.refusals = refusals;
    }

    @Override
    public void registerProcessor(RpcProcessor<?> processor) {
        server.registerProcessor(checked(processor));
    }

    private <T> RpcProcessor<T> checked(RpcProcessor<T> processor) {
        return new SenderCheckedProcessor<>(processor, members, refusals);
    }

    @Override
    public void registerConnectionClosedEventListener(ConnectionClosedEventListener listener) {
        server.registerConnectionClosedEventListener(listener);
    }

    @Override
    public int boundPort() {
        return server.boundPort();
    }

    @Override
    public boolean isStarted() {
        return server.isStarted();
    }

    @Override
    public boolean init(Void opts) {
        return server.init(opts);
    }

    @Override
    public void shutdown() {
        server.shutdown();
    }
}
