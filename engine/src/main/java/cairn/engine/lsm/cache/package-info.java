/**
 * Caches of immutable object ranges: {@link cairn.engine.lsm.cache.BlockCache} (memory, data and metadata budgets)
 * and {@link cairn.engine.lsm.cache.DiskRangeCache} (local files, checksummed, bounded, survives restarts), both
 * keyed by (object key, offset, length) so SST blocks and WAL value ranges share them.
 */
package cairn.engine.lsm.cache;
