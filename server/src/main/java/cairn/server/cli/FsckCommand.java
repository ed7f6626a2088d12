package cairn.server.cli;

import cairn.server.node.VolumeCheck;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fsck", description = {
        "Check the volume in the store: walk every directory and inode and read every file back, verifying the",
        "checksums of everything fetched. Read-only. With -c it opens the store itself (a stopped node's, or beside",
        "a running one); with --socket or --admin the running node checks its open volume."})
final class FsckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminTarget target;

    @Option(names = "--metadata-only", description = "Skip reading file contents (much faster on large volumes)")
    boolean metadataOnly;

    @Override
    public Integer call() {
        var report = target.explicit() ? remote() : VolumeCheck.run(target.config.loadRequired("fsck"), !metadataOnly);
        var out = spec.commandLine().getOut();
        out.printf("%d directories, %d files, %d other inodes, %d bytes read%n",
                report.directories(), report.files(), report.others(), report.bytesRead());
        if (report.clean()) {
            out.println("fsck: no problems found");
            return ExitCodes.OK;
        }
        report.problems().forEach(p -> out.println("problem: " + p));
        throw new CliException(ExitCodes.FAILED, report.problems().size() + " problem(s) found"
                + (report.problems().size() >= 100 ? " (stopped after 100)" : ""));
    }

    private VolumeCheck.Report remote() {
        var result = (Map<?, ?>) target.call("fsck", Map.of("metadata_only", metadataOnly));
        return new VolumeCheck.Report(number(result, "directories"), number(result, "files"), number(result, "others"),
                number(result, "bytes_read"), ((List<?>) result.get("problems")).stream().map(String::valueOf).toList());
    }

    private static long number(Map<?, ?> result, String name) {
        return result.get(name) instanceof Long l ? l : 0;
    }
}
