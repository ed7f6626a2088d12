package cairn.election.peer;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.rpc.Connection;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.InstallSnapshotRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.ReadIndexRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.TimeoutNowRequest;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A jraft request processor behind a check that the request's claimed sender is the member its connection
 * authenticated as. A raft request names its sender inside the message ({@code serverId}: the candidate's or the
 * leader's raft address) and jraft believes it, while peer TLS proves only which member holds the connection;
 * without this check any member could vote or append as another. A request whose {@code serverId} is not the raft
 * address of the member its connection authenticated as ({@link ConnectionMember}) is not processed: it is
 * answered with {@link RaftError#EPERM}, the refusal is logged and counted ({@link Refusals}), and the connection
 * is closed. Requests that name no sender (a snapshot file read, a ping, the disabled CLI) pass: the connection
 * is a member's.
 */
final class SenderCheckedProcessor<T> implements RpcProcessor<T> {
    private static final int SHOWN_MAX = 64;

    private final RpcProcessor<T> processor;
    private final PeerMembers members;
    private final Refusals refusals;

    SenderCheckedProcessor(RpcProcessor<T> processor, PeerMembers members, Refusals refusals) {
        this.processor = processor;
        this.members = members;
        this.refusals = refusals;
    }

    @Override
    public void handleRequest(RpcContext ctx, T request) {
        Optional<String> serverId = claimedSender(request);
        if (serverId.isEmpty()) {
            processor.handleRequest(ctx, request);
            return;
        }
        Optional<String> authenticated = ConnectionMember.of(ctx.getConnection());
        Optional<String> claimed = memberAt(serverId.get());
        if (authenticated.isPresent() && authenticated.equals(claimed)) {
            processor.handleRequest(ctx, request);
            return;
        }
        refuse(ctx, request, authenticated, serverId.get(), claimed);
    }

    /** The {@code serverId} of a raft request that names its sender; empty for any other request. */
    static Optional<String> claimedSender(Object request) {
        return Optional.ofNullable(switch (request) {
            case RequestVoteRequest r -> r.getServerId(); // pre-votes too
            case AppendEntriesRequest r -> r.getServerId();
            case InstallSnapshotRequest r -> r.getServerId();
            case TimeoutNowRequest r -> r.getServerId();
            case ReadIndexRequest r -> r.getServerId();
            case null, default -> null;
        });
    }

    /**
     * The member whose raft address {@code serverId} names, parsed as jraft parses it (an IPv6 address in brackets);
     * host names are compared, not resolved.
     */
    private Optional<String> memberAt(String serverId) {
        var peer = new PeerId();
        try {
            if (!peer.parse(serverId)) return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // jraft's parser throws for a malformed IPv6 address
        }
        Endpoint endpoint = peer.getEndpoint();
        String host = endpoint.getIp();
        if (host == null || host.isEmpty() || endpoint.getPort() < 0 || endpoint.getPort() > 0xFFFF) return Optional.empty();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return members.idAt(InetSocketAddress.createUnresolved(host, endpoint.getPort()));
    }

    private void refuse(RpcContext ctx, T request, Optional<String> authenticated, String serverId, Optional<String> claimed) {
        refusals.record("raft peer channel: refused a " + request.getClass().getSimpleName() + " from " + ctx.getRemoteAddress()
                + ": the connection authenticated as " + authenticated.map(id -> "node " + id).orElse("no member")
                + ", but the request claims to come from " + claimed.map(id -> "node " + id).orElse("no member")
                + " (serverId " + shown(serverId) + "); connection closed");
        ctx.sendResponse(RpcFactoryHelper.responseFactory().newResponse(null, RaftError.EPERM, "%s",
                "the sender is not the member this connection authenticated as"));
        Connection connection = ctx.getConnection();
        if (connection != null) connection.close(); // after the response: both go to the channel's event loop in order
    }

    /** A peer-supplied string for a log line: at most {@link #SHOWN_MAX} characters, control characters replaced. */
    private static String shown(String s) {
        String head = s.length() > SHOWN_MAX ? s.substring(0, SHOWN_MAX) + "..." : s;
        return "'" + head.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "'";
    }

    @Override
    public String interest() {
        return processor.interest();
    }

    @Override
    public Executor executor() {
        return processor.executor();
    }

    @Override
    public ExecutorSelector executorSelector() {
        return processor.executorSelector();
    }
}
