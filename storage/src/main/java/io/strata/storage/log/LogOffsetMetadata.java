package io.strata.storage.log;

/**
 * A log offset together with where it lies on disk: the base offset of the segment holding it and
 * its byte position in that segment. The log end offset is published as one of these, so a reader
 * knows how many bytes of the active segment hold complete batches.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param messageOffset             the offset
 * @param segmentBaseOffset         base offset of the segment the offset falls in
 * @param relativePositionInSegment byte position of the offset in that segment
 */
record LogOffsetMetadata(long messageOffset, long segmentBaseOffset, int relativePositionInSegment) {
}
