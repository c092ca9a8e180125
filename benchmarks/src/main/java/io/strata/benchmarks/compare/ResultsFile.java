package io.strata.benchmarks.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Updates the comparison section of {@code benchmarks/RESULTS.md}: the text between
 * {@value #BEGIN} and {@value #END} is replaced, everything outside the markers (other benchmarks'
 * results, analysis) is kept byte for byte. A file without the markers gets them, with the section,
 * appended at its end; a file with a broken pair (one marker, reversed or repeated markers) is
 * refused rather than guessed at.
 *
 * <p>This class is stateless and thread-safe; concurrent writers to one file are not coordinated.
 */
public final class ResultsFile {

    /** The line that opens the comparison section. */
    public static final String BEGIN = "<!-- comparison:begin -->";
    /** The line that closes the comparison section. */
    public static final String END = "<!-- comparison:end -->";

    private ResultsFile() {
    }

    /**
     * Writes the comparison section into a results file, creating the file when it does not exist.
     * The new content is written to a temporary file and moved over the old one.
     *
     * @param file the results file
     * @param section the section's Markdown, without markers
     * @throws IOException when the file cannot be read or written
     * @throws IllegalStateException when the file's markers are broken
     */
    public static void write(Path file, String section) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String updated = splice(existing, section);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, updated, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Replaces the text between the markers, or appends markers and section.
     *
     * @param existing the file's current text (may be empty)
     * @param section the section's Markdown, without markers
     * @return the new text
     * @throws IllegalStateException when only one marker is present, the end marker comes first, or a
     *                               marker appears more than once
     */
    static String splice(String existing, String section) {
        int begin = existing.indexOf(BEGIN);
        int end = existing.indexOf(END);
        String body = section.strip();
        if (begin < 0 && end < 0) {
            StringBuilder text = new StringBuilder(existing);
            if (!existing.isEmpty()) {
                if (!existing.endsWith("\n")) {
                    text.append('\n');
                }
                text.append('\n');
            }
            return text.append(BEGIN).append('\n').append(body).append('\n').append(END).append('\n').toString();
        }
        if (begin < 0 || end < 0 || end < begin
                || existing.indexOf(BEGIN, begin + 1) >= 0 || existing.indexOf(END, end + 1) >= 0) {
            throw new IllegalStateException("the comparison markers are broken (expected one " + BEGIN
                    + " followed by one " + END + "); fix the file by hand");
        }
        return existing.substring(0, begin + BEGIN.length()) + '\n' + body + '\n' + existing.substring(end);
    }
}
