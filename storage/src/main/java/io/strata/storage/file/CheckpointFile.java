package io.strata.storage.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Kafka's versioned text checkpoint format shared by the offset and leader-epoch checkpoints:
 * a version line ({@code 0}), an entry-count line, then one whitespace-separated entry per line.
 * Writes are atomic ({@link AtomicFiles#write}); a missing file reads as no entries, a malformed
 * one fails with an {@link IOException} naming the file.
 *
 * <p>This class is thread-safe: reads and writes of one instance are serialized.
 */
final class CheckpointFile<T> {

    static final int CURRENT_VERSION = 0;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final Path file;
    private final Function<T, String> formatter;
    private final EntryParser<T> parser;

    interface EntryParser<T> {
        /** Parses the fields of one line; a {@link RuntimeException} marks the line malformed. */
        T parse(String[] fields);
    }

    CheckpointFile(Path file, Function<T, String> formatter, EntryParser<T> parser) {
        this.file = file;
        this.formatter = formatter;
        this.parser = parser;
    }

    Path file() {
        return file;
    }

    synchronized void write(Collection<T> entries) throws IOException {
        AtomicFiles.write(file, format(entries, formatter));
    }

    /** The file content for {@code entries}: version line, count line, one formatted line each. */
    static <T> String format(Collection<T> entries, Function<T, String> formatter) {
        StringBuilder content = new StringBuilder(16 + entries.size() * 32);
        content.append(CURRENT_VERSION).append('\n').append(entries.size()).append('\n');
        for (T entry : entries) {
            content.append(formatter.apply(entry)).append('\n');
        }
        return content.toString();
    }

    synchronized List<T> read() throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String versionLine = reader.readLine();
            if (versionLine == null) {
                throw malformed("missing version line");
            }
            int version = parseInt(versionLine, "version");
            if (version != CURRENT_VERSION) {
                throw new IOException("Unrecognized version " + version + " of checkpoint file " + file);
            }
            String countLine = reader.readLine();
            if (countLine == null) {
                throw malformed("missing entry count");
            }
            int expected = parseInt(countLine, "entry count");
            if (expected < 0) {
                throw malformed("negative entry count " + expected);
            }
            List<T> entries = new ArrayList<>(Math.min(expected, 1 << 16));
            String line;
            while ((line = reader.readLine()) != null) {
                if (entries.size() == expected) {
                    throw malformed("more than the " + expected + " entries announced");
                }
                entries.add(parseLine(line));
            }
            if (entries.size() != expected) {
                throw malformed("expected " + expected + " entries but found " + entries.size());
            }
            return entries;
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        }
    }

    private T parseLine(String line) throws IOException {
        try {
            return parser.parse(WHITESPACE.split(line.trim()));
        } catch (RuntimeException e) {
            throw malformed("malformed line '" + line + "'");
        }
    }

    private int parseInt(String line, String what) throws IOException {
        try {
            return Integer.parseInt(line.trim());
        } catch (NumberFormatException e) {
            throw malformed("malformed " + what + " '" + line + "'");
        }
    }

    private IOException malformed(String detail) {
        return new IOException("Corrupt checkpoint file " + file + ": " + detail);
    }
}
