/**
 * Sorted entry streams: {@link cairn.engine.lsm.iter.EntryIterator} (one source),
 * {@link cairn.engine.lsm.iter.MergedEntries} (k-way merge keeping every version) and
 * {@link cairn.engine.lsm.iter.MergingIterator} (what a snapshot sees: newest visible version per key, deletes hidden).
 */
package cairn.engine.lsm.iter;
