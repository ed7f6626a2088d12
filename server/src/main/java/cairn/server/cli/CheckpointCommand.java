package cairn.server.cli;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "checkpoint", description = "Manage checkpoints (durable point-in-time views that GC keeps) on the running node.",
        subcommands = {CheckpointCommand.Create.class, CheckpointCommand.ListCheckpoints.class, CheckpointCommand.Delete.class})
final class CheckpointCommand {

    @Command(name = "create", description = "Make everything durable and pin the current state.")
    static final class Create implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminTarget target;

        @Option(names = "--name", description = "A label to recognise it by") String name = "";

        @Override
        public Integer call() {
            var checkpoint = (Map<?, ?>) target.call("checkpoint.create", Map.of("name", name));
            spec.commandLine().getOut().println("created checkpoint " + checkpoint.get("id"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List checkpoints.")
    static final class ListCheckpoints implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminTarget target;

        @Override
        public Integer call() {
            var checkpoints = (List<?>) target.call("checkpoint.list", Map.of());
            if (checkpoints.isEmpty()) spec.commandLine().getOut().println("no checkpoints");
            for (Object c : checkpoints) {
                var checkpoint = (Map<?, ?>) c;
                spec.commandLine().getOut().printf("%-8s %-24s expires %s%n", checkpoint.get("id"),
                        Objects.toString(checkpoint.get("name"), ""), checkpoint.get("expires_at"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete a checkpoint (its data becomes collectable).")
    static final class Delete implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminTarget target;
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() {
            target.call("checkpoint.delete", Map.of("id", id));
            spec.commandLine().getOut().println("deleted checkpoint " + id);
            return ExitCodes.OK;
        }
    }
}
