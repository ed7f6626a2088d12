package cairn.protocols.nbd;

import cairn.engine.fs.FileSystem;

import java.util.concurrent.ExecutorService;

/**
 * What every connection of one server shares: the filesystem, the settings, the registry of open exports and
 * the executor (virtual threads) that runs filesystem calls off the event loop.
 */
public record NbdContext(FileSystem fs, NbdOptions options, NbdExports exports, ExecutorService blocking) {}
