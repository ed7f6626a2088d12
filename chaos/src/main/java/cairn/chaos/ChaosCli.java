package cairn.chaos;

import cairn.chaos.s3.FaultAdminServer;
import cairn.chaos.s3.FaultPlan;
import cairn.chaos.s3.InMemoryS3;
import cairn.chaos.s3.S3FaultProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn-chaos}: fault injection for tests and the Jepsen suite. */
@Command(name = "cairn-chaos", mixinStandardHelpOptions = true,
        subcommands = {ChaosCli.S3Proxy.class, ChaosCli.S3Server.class, ChaosCli.Fault.class})
public final class ChaosCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosCli()).execute(args));
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected host:port, got " + hostPort);
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Options of the fault proxy and its admin API, shared by {@code s3-proxy} and {@code s3-server}. */
    static final class ProxyOptions {
        @Option(names = "--listen", defaultValue = "127.0.0.1:9100", description = "the fault proxy (clients use this)")
        String listen;
        @Option(names = "--admin", defaultValue = "127.0.0.1:9101") String admin;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--requests-max", defaultValue = "64", description = "requests served at once; beyond: 503 SlowDown")
        int requestsMax;
        @Option(names = "--connections-max", defaultValue = "256") int connectionsMax;

        /** Starts the proxy and its admin API in front of {@code upstream}, prints where, and waits forever. */
        int runInFrontOf(URI upstream) throws Exception {
            var plan = new FaultPlan(seed);
            var proxy = new S3FaultProxy(upstream, plan, new S3FaultProxy.Limits(requestsMax, connectionsMax));
            var bound = proxy.start(address(listen));
            var adminBound = new FaultAdminServer(address(admin), plan, proxy).start();
            System.out.println("s3-proxy listening on " + bound + " -> " + upstream + ", admin on " + adminBound);
            System.out.flush();
            new CountDownLatch(1).await();
            return 0;
        }
    }

    @Command(name = "s3-proxy", description = "Run an S3 fault-injecting proxy in front of an S3 endpoint.")
    static final class S3Proxy implements Callable<Integer> {
        @Option(names = "--upstream", required = true, description = "e.g. http://127.0.0.1:9000") URI upstream;
        @CommandLine.Mixin ProxyOptions proxy = new ProxyOptions();

        @Override
        public Integer call() throws Exception {
            return proxy.runInFrontOf(upstream);
        }
    }

    @Command(name = "s3-server", description = "Run an in-memory S3 server (s3proxy, credentials "
            + InMemoryS3.IDENTITY + " / " + InMemoryS3.CREDENTIAL + ") with the fault proxy in front of it.")
    static final class S3Server implements Callable<Integer> {
        @Option(names = "--s3", defaultValue = "127.0.0.1:9000", description = "where s3proxy itself listens") String s3;
        @Option(names = "--bucket", defaultValue = "cairn", split = ",") String[] buckets;
        @CommandLine.Mixin ProxyOptions proxy = new ProxyOptions();

        @Override
        public Integer call() throws Exception {
            URI endpoint = URI.create("http://" + s3);
            InMemoryS3.start(endpoint, buckets);
            return proxy.runInFrontOf(endpoint);
        }
    }

    @Command(name = "fault", description = "Control a running proxy: add SPEC | clear | list | pause | resume | stats.")
    static final class Fault implements Callable<Integer> {
        @Option(names = "--admin", defaultValue = "127.0.0.1:9101") String admin;
        @Parameters(index = "0") String action;
        @Parameters(index = "1", arity = "0..1", description = "fault spec for add, e.g. 'kind=error op=PUT_IF_ABSENT prefix=wal/ p=0.5'")
        String spec;

        @Override
        public Integer call() throws Exception {
            String base = "http://" + admin;
            HttpRequest req = switch (action) {
                case "add" -> HttpRequest.newBuilder(URI.create(base + "/faults"))
                        .POST(HttpRequest.BodyPublishers.ofString(spec == null ? "" : spec)).build();
                case "clear" -> HttpRequest.newBuilder(URI.create(base + "/faults")).DELETE().build();
                case "list" -> HttpRequest.newBuilder(URI.create(base + "/faults")).GET().build();
                case "pause", "resume" -> HttpRequest.newBuilder(URI.create(base + "/" + action))
                        .POST(HttpRequest.BodyPublishers.noBody()).build();
                case "stats" -> HttpRequest.newBuilder(URI.create(base + "/stats")).GET().build();
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown action " + action);
            };
            HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            System.out.print(r.body());
            return r.statusCode() == 200 ? 0 : 1;
        }
    }
}
