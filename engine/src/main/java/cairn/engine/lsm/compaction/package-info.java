/**
 * Size-tiered compaction: {@link cairn.engine.lsm.compaction.CompactionPlanner} picks a job from an
 * {@link cairn.engine.lsm.compaction.LsmShape}, {@link cairn.engine.lsm.compaction.CompactionExecutor} runs it and
 * returns a {@link cairn.engine.lsm.compaction.CompactionResult} for the manifest owner to commit,
 * {@link cairn.engine.lsm.compaction.CompactionScheduler} runs jobs in the background one at a time.
 */
package cairn.engine.lsm.compaction;
