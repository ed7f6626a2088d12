/**
 * Segments: the objects that hold large values (WAL objects, and repacked segment objects {@code seg/<id>}).
 * {@link cairn.engine.lsm.segment.Segment} is the manifest's live-byte record of one segment,
 * {@link cairn.engine.lsm.segment.SegmentDelta} the change one commit makes to those records,
 * {@link cairn.engine.lsm.segment.RepackPlanner} decides when sparse segments are worth copying, and
 * {@link cairn.engine.lsm.segment.SegmentRepacker} copies their live values during a full-merge compaction.
 */
package cairn.engine.lsm.segment;
