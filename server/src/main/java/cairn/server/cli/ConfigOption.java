package cairn.server.cli;

import cairn.server.config.CairnConfig;
import cairn.server.config.ConfigLoader;
import cairn.server.config.DefaultConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c FILE}: the node's config; without it, the embedded default in the working directory. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (TOML). Default: the embedded default using ./" + DefaultConfig.DATA_DIR)
    Path file;

    CairnConfig load() {
        return file == null ? DefaultConfig.embedded(Path.of("")) : ConfigLoader.load(file);
    }

    /** Enough of the config to find a running node; unset environment variables are not an error. */
    CairnConfig loadForLocating() {
        return file == null ? DefaultConfig.embedded(Path.of("")) : ConfigLoader.loadForLocating(file);
    }

    /** For commands that must not guess which volume: {@code -c} is mandatory. */
    CairnConfig loadRequired(String command) {
        if (file == null) throw new CliException(ExitCodes.USAGE, command + " needs -c FILE (the node's config)");
        return ConfigLoader.load(file);
    }
}
