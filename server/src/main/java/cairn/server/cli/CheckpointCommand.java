package cairn.server.cli;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "checkpoint", description = "Manage checkpoints (durable point-in-time views that GC keeps) on the running node.",
        subcommands = {CheckpointCommand.Create.class, CheckpointCommand.ListCheckpoints.class, CheckpointCommand.Delete.class})
final class CheckpointCommand {

    @Command(name = "create", description = "Make everything durable and pin the current state.")
    static final class Create implements Callable<Integer> {
        @Mixin AdminTarget target;

        @Override
        public Integer call() {
            var checkpoint = (Map<?, ?>) target.call("checkpoint.create", Map.of());
            System.out.println("created checkpoint " + checkpoint.get("id"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List checkpoints.")
    static final class ListCheckpoints implements Callable<Integer> {
        @Mixin AdminTarget target;

        @Override
        public Integer call() {
            var checkpoints = (List<?>) target.call("checkpoint.list", Map.of());
            if (checkpoints.isEmpty()) System.out.println("no checkpoints");
            for (Object c : checkpoints) {
                var checkpoint = (Map<?, ?>) c;
                System.out.printf("%-24s %s%n", checkpoint.get("id"), Objects.toString(checkpoint.get("created_at"), ""));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete a checkpoint (its data becomes collectable).")
    static final class Delete implements Callable<Integer> {
        @Mixin AdminTarget target;
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() {
            target.call("checkpoint.delete", Map.of("id", id));
            System.out.println("deleted checkpoint " + id);
            return ExitCodes.OK;
        }
    }
}
