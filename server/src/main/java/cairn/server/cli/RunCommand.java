package cairn.server.cli;

import cairn.server.node.Node;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = {
        "Run a node in the foreground until SIGTERM or Ctrl-C.",
        "Without -c: the volume, cache and a generated key live in ./cairn-data; NFS 127.0.0.1:2049, "
                + "9P 127.0.0.1:5564, NBD 127.0.0.1:10809, HTTP 127.0.0.1:9464."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Mixin
    LogOptions logging;

    @Option(names = "--read-only", description = "Serve the volume read-only (a replica: never writes to the bucket)")
    boolean readOnly;

    @Override
    public Integer call() throws InterruptedException {
        var cfg = config.load();
        logging.apply(cfg.log());
        Node node;
        try {
            node = Node.start(cfg, readOnly);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage());
        }
        // SIGTERM / SIGINT: stop accepting, make everything durable, close in reverse order.
        Thread hook = new Thread(node::close, "cairn-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        node.awaitStopped();
        return ExitCodes.OK;
    }
}
