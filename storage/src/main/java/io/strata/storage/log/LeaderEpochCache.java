package io.strata.storage.log;

import io.strata.storage.file.LeaderEpochCheckpointFile;
import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The leader epochs of one partition and the offset each began at, mirrored to the partition's
 * {@code leader-epoch-checkpoint} on every change (Kafka's {@code LeaderEpochFileCache}).
 * Entries ascend in both epoch and start offset.
 *
 * <p>This class is thread-safe: mutations are serialized, reads see an immutable snapshot.
 */
final class LeaderEpochCache {

    private final LeaderEpochCheckpointFile checkpoint;
    private volatile List<EpochEntry> entries;

    LeaderEpochCache(LeaderEpochCheckpointFile checkpoint, List<EpochEntry> entries) {
        this.checkpoint = checkpoint;
        this.entries = List.copyOf(entries);
    }

    /** Loads the cache from its checkpoint file (no entries when the file does not exist). */
    static LeaderEpochCache load(LeaderEpochCheckpointFile checkpoint) throws IOException {
        List<EpochEntry> loaded = new ArrayList<>();
        for (EpochEntry entry : checkpoint.read()) {
            loaded = withEntry(loaded, entry.epoch(), entry.startOffset());
        }
        return new LeaderEpochCache(checkpoint, loaded);
    }

    /**
     * Records that {@code epoch} began at {@code startOffset}. Entries the new one contradicts
     * (same or later epoch, same or later start offset) are replaced. Re-assigning the latest
     * epoch at a later offset, or a negative epoch, changes nothing.
     */
    synchronized void assign(int epoch, long startOffset) throws IOException {
        if (epoch < 0 || startOffset < 0) {
            return;
        }
        List<EpochEntry> current = entries;
        if (!current.isEmpty()) {
            EpochEntry latest = current.get(current.size() - 1);
            if (latest.epoch() == epoch && latest.startOffset() <= startOffset) {
                return;
            }
        }
        replace(withEntry(current, epoch, startOffset));
    }

    /**
     * Removes the entries that start after {@code endOffset} (the log was cut there). An entry
     * starting exactly at the log end offset stays: its epoch leads the next append, as the entry a
     * Kafka leader assigns at its log end offset when it takes over.
     */
    synchronized void truncateFromEnd(long endOffset) throws IOException {
        List<EpochEntry> current = entries;
        List<EpochEntry> kept = new ArrayList<>(current.size());
        for (EpochEntry entry : current) {
            if (entry.startOffset() <= endOffset) {
                kept.add(entry);
            }
        }
        if (kept.size() != current.size()) {
            replace(kept);
        }
    }

    /**
     * Drops the entries wholly below a new log start offset: of those starting at or before it,
     * only the latest survives, moved up to start at {@code startOffset}.
     */
    synchronized void truncateFromStart(long startOffset) throws IOException {
        List<EpochEntry> current = entries;
        EpochEntry covering = null;
        List<EpochEntry> kept = new ArrayList<>(current.size());
        for (EpochEntry entry : current) {
            if (entry.startOffset() <= startOffset) {
                covering = entry;
            } else {
                kept.add(entry);
            }
        }
        if (covering == null) {
            return;
        }
        kept.add(0, new EpochEntry(covering.epoch(), startOffset));
        if (!kept.equals(current)) {
            replace(kept);
        }
    }

    OptionalInt latestEpoch() {
        List<EpochEntry> current = entries;
        return current.isEmpty() ? OptionalInt.empty() : OptionalInt.of(current.get(current.size() - 1).epoch());
    }

    Optional<EpochEntry> earliestEntry() {
        List<EpochEntry> current = entries;
        return current.isEmpty() ? Optional.empty() : Optional.of(current.get(0));
    }

    /** The epoch the record at {@code offset} was written in: the entry with the greatest start offset <= it. */
    OptionalInt epochForOffset(long offset) {
        OptionalInt found = OptionalInt.empty();
        for (EpochEntry entry : entries) {
            if (entry.startOffset() > offset) {
                break;
            }
            found = OptionalInt.of(entry.epoch());
        }
        return found;
    }

    List<EpochEntry> entries() {
        return entries;
    }

    /**
     * The epochs in effect within {@code [fromOffset, toOffset)}: the entry covering {@code fromOffset}
     * (its start clamped to it) and every entry starting before {@code toOffset}.
     */
    List<EpochEntry> entriesBetween(long fromOffset, long toOffset) {
        List<EpochEntry> within = new ArrayList<>();
        EpochEntry covering = null;
        for (EpochEntry entry : entries) {
            if (entry.startOffset() <= fromOffset) {
                covering = entry;
            } else if (entry.startOffset() < toOffset) {
                within.add(entry);
            }
        }
        if (covering != null) {
            within.add(0, new EpochEntry(covering.epoch(), fromOffset));
        }
        return within;
    }

    private void replace(List<EpochEntry> updated) throws IOException {
        checkpoint.write(updated);
        entries = List.copyOf(updated);
    }

    /** {@code entries} without the ones a new (epoch, startOffset) contradicts, followed by it. */
    private static List<EpochEntry> withEntry(List<EpochEntry> entries, int epoch, long startOffset) {
        List<EpochEntry> updated = new ArrayList<>(entries.size() + 1);
        for (EpochEntry entry : entries) {
            if (entry.epoch() < epoch && entry.startOffset() < startOffset) {
                updated.add(entry);
            }
        }
        updated.add(new EpochEntry(epoch, startOffset));
        return updated;
    }
}
