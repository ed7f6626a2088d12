package cairn.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "failover", description = "Planned failover: the running leader hands over to another HA node.")
final class FailoverCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminTarget target;

    @Option(names = "--to", description = "Node id of the new leader (raft mode); lease mode releases the lease")
    String to = "";

    @Override
    public Integer call() {
        Object result = target.call("failover", Map.of("to", to));
        spec.commandLine().getOut().println(result);
        return ExitCodes.OK;
    }
}
