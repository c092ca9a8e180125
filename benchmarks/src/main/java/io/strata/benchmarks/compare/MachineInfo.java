package io.strata.benchmarks.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine and software a comparison ran on, as RESULTS.md states them: cores, CPU model,
 * memory, the data directory's file system and disk, the kernel, Java, and both brokers' versions.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cores online CPUs ({@code nproc})
 * @param cpuModel the first {@code model name} of {@code /proc/cpuinfo}
 * @param memTotalKb {@code MemTotal} of {@code /proc/meminfo}, or -1 when unknown
 * @param dataDisk the {@code df -hT} line of the data directory
 * @param blockDevice the {@code lsblk} line of the disk under it, or "unknown"
 * @param kernel {@code uname -sr}
 * @param java the Java runtime both brokers and all tools run on
 * @param kafkaVersion the Apache Kafka version
 * @param strataVersion the Strata git commit, marked when the working tree has local changes
 */
public record MachineInfo(int cores, String cpuModel, long memTotalKb, String dataDisk, String blockDevice,
                          String kernel, String java, String kafkaVersion, String strataVersion) {

    private static final String UNKNOWN = "unknown";

    /**
     * Collects the information of this machine.
     *
     * @param dataDir a directory on the disk the brokers' data goes to
     * @param strataHome the Strata repository root, for its git commit
     * @param kafkaVersion the Apache Kafka version
     * @return the information; items that cannot be read are "unknown"
     */
    public static MachineInfo collect(Path dataDir, Path strataHome, String kafkaVersion) {
        String cpuModel = readFile(Path.of("/proc/cpuinfo")).map(MachineInfo::parseCpuModel).orElse(UNKNOWN);
        long memTotalKb = readFile(Path.of("/proc/meminfo")).map(MachineInfo::parseMemTotalKb).orElse(-1L);
        String dfLine = run(List.of("df", "-hT", dataDir.toAbsolutePath().toString())).map(MachineInfo::lastLine)
                .orElse(UNKNOWN);
        String blockDevice = UNKNOWN;
        String device = dfLine.split("\\s+")[0];
        if (device.startsWith("/dev/")) {
            blockDevice = run(List.of("lsblk", "-dno", "NAME,TYPE,SIZE,ROTA,MODEL", device))
                    .map(String::strip).filter(line -> !line.isEmpty()).orElse(UNKNOWN);
        }
        String kernel = run(List.of("uname", "-sr")).map(String::strip).orElse(UNKNOWN);
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpuModel, memTotalKb, dfLine, blockDevice,
                kernel, java, kafkaVersion, strataVersion(strataHome));
    }

    /**
     * Returns the Strata version as {@code git rev-parse --short HEAD}, with {@code +local changes}
     * when tracked files differ from that commit.
     *
     * @param strataHome the repository root
     * @return the version, or "unknown" outside a git checkout
     */
    static String strataVersion(Path strataHome) {
        String dir = strataHome.toAbsolutePath().toString();
        Optional<String> sha = run(List.of("git", "-C", dir, "rev-parse", "--short", "HEAD")).map(String::strip);
        if (sha.isEmpty() || sha.get().isEmpty()) {
            return UNKNOWN;
        }
        boolean dirty = run(List.of("git", "-C", dir, "status", "--porcelain", "--untracked-files=no"))
                .map(out -> !out.isBlank()).orElse(false);
        return sha.get() + (dirty ? " +local changes" : "");
    }

    /**
     * Reads the first {@code model name} of {@code /proc/cpuinfo}.
     *
     * @param cpuinfo the file's text
     * @return the CPU model, or "unknown"
     */
    static String parseCpuModel(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                if (colon >= 0) {
                    return line.substring(colon + 1).strip();
                }
            }
        }
        return UNKNOWN;
    }

    /**
     * Reads {@code MemTotal} of {@code /proc/meminfo}.
     *
     * @param meminfo the file's text
     * @return the total memory in KiB, or -1 when the line is missing
     */
    static long parseMemTotalKb(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                try {
                    return Long.parseLong(line.substring("MemTotal:".length()).strip().split("\\s+")[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static Optional<String> readFile(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static Optional<String> run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
