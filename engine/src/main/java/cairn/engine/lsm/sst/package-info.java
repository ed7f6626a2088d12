/**
 * Immutable sorted string tables ({@code sst/<ULID>} objects): {@link cairn.engine.lsm.sst.SstWriter} builds and
 * uploads one, {@link cairn.engine.lsm.sst.SstInfo} is its manifest record, {@link cairn.engine.lsm.sst.SstReader}
 * serves point reads and scans, {@link cairn.engine.lsm.sst.SstReaders} keeps the open readers of a database and
 * reads {@link cairn.engine.lsm.sst.SortedRun}s. Byte layout: {@code docs/formats.md}, "SST objects".
 */
package cairn.engine.lsm.sst;
