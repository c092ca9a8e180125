package io.strata.protocol.versions;

/**
 * An inclusive range of versions of one Kafka API, as advertised in an ApiVersions response
 * ({@code min_version}..{@code max_version}).
 *
 * <p>Immutable and thread-safe.
 */
public record VersionRange(short minVersion, short maxVersion) {

    public VersionRange {
        if (minVersion < 0) {
            throw new IllegalArgumentException("minVersion must not be negative: " + minVersion);
        }
        if (minVersion > maxVersion) {
            throw new IllegalArgumentException("minVersion " + minVersion + " is above maxVersion " + maxVersion);
        }
    }

    /** Creates a range from int literals, for readability at call sites. */
    public static VersionRange of(int minVersion, int maxVersion) {
        if (minVersion > Short.MAX_VALUE || maxVersion > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Versions must fit in a short: " + minVersion + ".." + maxVersion);
        }
        return new VersionRange((short) minVersion, (short) maxVersion);
    }

    /** Whether {@code version} lies in this range. */
    public boolean contains(short version) {
        return version >= minVersion && version <= maxVersion;
    }

    @Override
    public String toString() {
        return minVersion + ".." + maxVersion;
    }
}
