package cairn.server.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "nbd", description = "Manage NBD block devices (files in /.nbd/ of the volume) on the running node.",
        subcommands = {NbdCommand.Create.class, NbdCommand.ListDevices.class, NbdCommand.Resize.class, NbdCommand.Delete.class})
final class NbdCommand {

    @Command(name = "create", description = "Create a device of SIZE bytes (e.g. 10G); it reads as zeros.")
    static final class Create implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminTarget target;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "SIZE") String size;

        @Override
        public Integer call() {
            long bytes = parseSize(size);
            target.call("nbd.create", args(name, bytes));
            spec.commandLine().getOut().println("created NBD device " + name + " (" + Sizes.format(bytes) + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List devices and their sizes.")
    static final class ListDevices implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminTarget target;

        @Override
        public Integer call() {
            var devices = (List<?>) target.call("nbd.list", Map.of());
            if (devices.isEmpty()) spec.commandLine().getOut().println("no NBD devices");
            for (Object d : devices) {
                var device = (Map<?, ?>) d;
                spec.commandLine().getOut().printf("%-32s %s%n", device.get("name"), Sizes.format((Long) device.get("size")));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "resize", description = "Grow or shrink a device to SIZE bytes.")
    static final class Resize implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminTarget target;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "SIZE") String size;

        @Override
        public Integer call() {
            long bytes = parseSize(size);
            target.call("nbd.resize", args(name, bytes));
            spec.commandLine().getOut().println("resized NBD device " + name + " to " + Sizes.format(bytes));
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete a device and its data.")
    static final class Delete implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminTarget target;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            target.call("nbd.delete", Map.of("name", name));
            spec.commandLine().getOut().println("deleted NBD device " + name);
            return ExitCodes.OK;
        }
    }

    private static long parseSize(String size) {
        try {
            return Sizes.parse(size);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static Map<String, Object> args(String name, long bytes) {
        var args = new LinkedHashMap<String, Object>();
        args.put("name", name);
        args.put("size", bytes);
        return args;
    }
}
