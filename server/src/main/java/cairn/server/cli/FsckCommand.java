package cairn.server.cli;

import cairn.server.node.VolumeCheck;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fsck", description = {
        "Check the volume in the store: walk every directory and inode and read every file back, verifying the",
        "checksums of everything fetched. Read-only; works on a stopped node's store (or beside a running one)."})
final class FsckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--metadata-only", description = "Skip reading file contents (much faster on large volumes)")
    boolean metadataOnly;

    @Override
    public Integer call() {
        var report = VolumeCheck.run(config.loadRequired("fsck"), !metadataOnly);
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
}
