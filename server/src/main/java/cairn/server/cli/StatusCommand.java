package cairn.server.cli;

import cairn.server.admin.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show what the running node is doing.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminTarget target;

    @Option(names = "--json", description = "Print the status as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        Object result = target.call("status", Map.of());
        if (json) {
            spec.commandLine().getOut().println(Json.write(result));
            return ExitCodes.OK;
        }
        var s = (Map<?, ?>) result;
        String role = Boolean.TRUE.equals(s.get("leader")) ? "leader, epoch " + s.get("epoch")
                : Boolean.TRUE.equals(s.get("read_only")) ? "read-only" : "not leader";
        spec.commandLine().getOut().printf("cairn %s  %s (%s)%n", s.get("version"), s.get("phase"), role);
        String detail = String.valueOf(s.get("detail"));
        if (!detail.isEmpty()) spec.commandLine().getOut().printf("detail     %s%n", detail);
        spec.commandLine().getOut().printf("volume     %s%n", s.get("volume"));
        spec.commandLine().getOut().printf("config     %s%n", s.get("config"));
        spec.commandLine().getOut().printf("uptime     %ss%n", s.get("uptime_seconds"));
        for (Object l : (List<?>) s.get("listeners")) {
            var listener = (Map<?, ?>) l;
            spec.commandLine().getOut().printf("listening  %-5s %s%n", listener.get("service"), listener.get("address"));
        }
        return ExitCodes.OK;
    }
}
