package cairn.election;

import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.InvokeContext;
import com.alipay.sofa.jraft.rpc.RpcClient;
import cairn.election.peer.PeerTlsRpcFactory;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.SPI;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * jraft's Bolt transport (with peer TLS when a node has it) with links a test can cut: a network partition
 * between raft peers inside one JVM.
 *
 * <p>A TCP relay per link cannot do this: jraft names a peer by the address it listens on, so every peer must
 * dial the same address to reach it and a relay in front of it cannot tell the callers apart. Every raft
 * request carries its sender ({@code server_id}) though, so the client side drops a request whose link is
 * cut: it never reaches the peer, and the caller sees the failure an unreachable peer causes. Registered
 * for the election module's tests only ({@code META-INF/services} under {@code src/test/resources}); jraft
 * picks the factory with the highest {@link SPI} priority, and with no link cut this one is
 * {@link PeerTlsRpcFactory}.
 */
@SPI(priority = 100)
public final class PartitionableRpcFactory extends PeerTlsRpcFactory {

    private static final Set<String> CUT = ConcurrentHashMap.newKeySet();

    /** Cuts both directions between raft endpoints {@code a} and {@code b} ({@code host:port}). */
    static void cut(String a, String b) {
        CUT.add(link(a, b));
    }

    /** Cuts {@code node} from every one of {@code peers}. */
    static void isolate(String node, Iterable<String> peers) {
        for (String p : peers) if (!p.equals(node)) cut(node, p);
    }

    /** Restores every link. */
    static void healAll() {
        CUT.clear();
    }

    private static String link(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    private static boolean isCut(Object request, Endpoint to) {
        if (CUT.isEmpty() || !(request instanceof Message m)) return false;
        Descriptors.FieldDescriptor sender = m.getDescriptorForType().findFieldByName("server_id");
        if (sender == null) return false;
        PeerId from = new PeerId();
        if (!from.parse((String) m.getField(sender))) return false;
        return CUT.contains(link(from.getEndpoint().toString(), to.toString()));
    }

    @Override
    public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
        return new CuttableClient(super.createRpcClient(helper));
    }

    private record CuttableClient(RpcClient inner) implements RpcClient {

        @Override
        public boolean init(RpcOptions opts) {
            return inner.init(opts);
        }

        @Override
        public void shutdown() {
            inner.shutdown();
        }

        @Override
        public boolean checkConnection(Endpoint endpoint) {
            return inner.checkConnection(endpoint);
        }

        @Override
        public boolean checkConnection(Endpoint endpoint, boolean createIfAbsent) {
            return inner.checkConnection(endpoint, createIfAbsent);
        }

        @Override
        public void closeConnection(Endpoint endpoint) {
            inner.closeConnection(endpoint);
        }

        @Override
        public void registerConnectEventListener(ReplicatorGroup group) {
            inner.registerConnectEventListener(group);
        }

        @Override
        public Object invokeSync(Endpoint endpoint, Object request, InvokeContext ctx, long timeoutMs)
                throws InterruptedException, RemotingException {
            if (isCut(request, endpoint)) throw new RemotingException("link to " + endpoint + " is cut");
            return inner.invokeSync(endpoint, request, ctx, timeoutMs);
        }

        @Override
        public void invokeAsync(Endpoint endpoint, Object request, InvokeContext ctx, InvokeCallback callback,
                                long timeoutMs) throws InterruptedException, RemotingException {
            if (!isCut(request, endpoint)) {
                inner.invokeAsync(endpoint, request, ctx, callback, timeoutMs);
                return;
            }
            // never inline: jraft may hold its node lock here, and the callback takes it
            var failure = new RemotingException("link to " + endpoint + " is cut");
            Runnable fail = () -> callback.complete(null, failure);
            if (callback.executor() != null) callback.executor().execute(fail);
            else Thread.ofVirtual().start(fail);
        }
    }
}
