package io.strata.protocol.versions;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this broker implements and, for each, the range of versions it serves: the source of
 * the {@code api_keys} of an ApiVersions response and of the decision to answer a request with
 * {@code UNSUPPORTED_VERSION}.
 *
 * <p>Every range must lie within what the pinned kafka-clients can parse and serialize
 * ({@link ApiKeys#oldestVersion()}..{@link ApiKeys#latestVersion(boolean) latestVersion(true)}):
 * advertising a version that kafka-clients cannot encode would break the connection later.
 *
 * <p>Immutable and thread-safe.
 */
public final class ApiVersionsTable {

    private final Map<ApiKeys, VersionRange> ranges;

    private ApiVersionsTable(Map<ApiKeys, VersionRange> ranges) {
        EnumMap<ApiKeys, VersionRange> copy = new EnumMap<>(ApiKeys.class);
        ranges.forEach((apiKey, range) -> {
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(range, () -> "range of " + apiKey);
            validate(apiKey, range);
            copy.put(apiKey, range);
        });
        this.ranges = Collections.unmodifiableMap(copy);
    }

    /** Creates a table from a map of API to supported version range. */
    public static ApiVersionsTable of(Map<ApiKeys, VersionRange> ranges) {
        return new ApiVersionsTable(ranges);
    }

    /** Starts an empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether we serve {@code apiKey} at {@code version}. */
    public boolean isSupported(ApiKeys apiKey, short version) {
        VersionRange range = ranges.get(apiKey);
        return range != null && range.contains(version);
    }

    /** The versions of {@code apiKey} we serve, or empty if we do not implement it. */
    public Optional<VersionRange> range(ApiKeys apiKey) {
        return Optional.ofNullable(ranges.get(apiKey));
    }

    /** All implemented APIs with their ranges, in api key order. */
    public Map<ApiKeys, VersionRange> ranges() {
        return ranges;
    }

    /**
     * The table as the {@code api_keys} field of an ApiVersions response. Returns a new collection
     * on each call: elements of kafka-clients' implicit collections belong to one collection only.
     */
    public ApiVersionCollection toApiVersions() {
        ApiVersionCollection apiVersions = new ApiVersionCollection(ranges.size());
        ranges.forEach((apiKey, range) -> apiVersions.add(new ApiVersion()
            .setApiKey(apiKey.id)
            .setMinVersion(range.minVersion())
            .setMaxVersion(range.maxVersion())));
        return apiVersions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiVersionsTable other && ranges.equals(other.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return "ApiVersionsTable" + ranges;
    }

    private static void validate(ApiKeys apiKey, VersionRange range) {
        if (!apiKey.hasValidVersion()) {
            throw new IllegalArgumentException(apiKey + " has no version kafka-clients can serve");
        }
        short oldest = apiKey.oldestVersion();
        short latest = apiKey.latestVersion(true);
        if (range.minVersion() < oldest || range.maxVersion() > latest) {
            throw new IllegalArgumentException("Range " + range + " of " + apiKey
                + " is outside the versions kafka-clients supports (" + oldest + ".." + latest + ")");
        }
    }

    /**
     * Collects API ranges for an {@link ApiVersionsTable}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {

        private final EnumMap<ApiKeys, VersionRange> ranges = new EnumMap<>(ApiKeys.class);

        private Builder() {
        }

        /** Declares that we serve {@code apiKey} from {@code minVersion} to {@code maxVersion} inclusive. */
        public Builder add(ApiKeys apiKey, short minVersion, short maxVersion) {
            return add(apiKey, new VersionRange(minVersion, maxVersion));
        }

        /** Declares that we serve {@code apiKey} over {@code range}; an API may be declared once. */
        public Builder add(ApiKeys apiKey, VersionRange range) {
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(range, "range");
            if (ranges.putIfAbsent(apiKey, range) != null) {
                throw new IllegalArgumentException(apiKey + " is already declared with " + ranges.get(apiKey));
            }
            return this;
        }

        /** Builds the immutable table, validating every range against kafka-clients. */
        public ApiVersionsTable build() {
            return new ApiVersionsTable(ranges);
        }
    }
}
