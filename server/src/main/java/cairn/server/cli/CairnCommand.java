package cairn.server.cli;

import cairn.server.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "cairn", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = CairnCommand.VersionProvider.class,
        description = "Cairn: an S3 bucket as a highly available disk (NFSv3, 9P2000.L, NBD).",
        subcommands = {InitCommand.class, RunCommand.class, StatusCommand.class, NbdCommand.class,
                CheckpointCommand.class, ChangePasswordCommand.class, FsckCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Quick start: cairn run   (volume in ./cairn-data; see docs/configuration.md)"})
public final class CairnCommand {

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cairn " + Version.get()};
        }
    }
}
