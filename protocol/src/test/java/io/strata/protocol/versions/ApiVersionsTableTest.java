package io.strata.protocol.versions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class ApiVersionsTableTest {

    private final ApiVersionsTable table = ApiVersionsTable.builder()
        .add(ApiKeys.PRODUCE, (short) 3, (short) 13)
        .add(ApiKeys.API_VERSIONS, VersionRange.of(0, 4))
        .build();

    @Test
    void shouldSupportVersionWhenWithinRange() {
        assertTrue(table.isSupported(ApiKeys.PRODUCE, (short) 3));
        assertTrue(table.isSupported(ApiKeys.PRODUCE, (short) 13));
        assertFalse(table.isSupported(ApiKeys.PRODUCE, (short) 2));
        assertFalse(table.isSupported(ApiKeys.PRODUCE, (short) 14));
    }

    @Test
    void shouldNotSupportApiWhenItIsNotInTheTable() {
        assertFalse(table.isSupported(ApiKeys.FETCH, (short) 12));
        assertEquals(Optional.empty(), table.range(ApiKeys.FETCH));
        assertEquals(Optional.of(VersionRange.of(3, 13)), table.range(ApiKeys.PRODUCE));
    }

    @Test
    void shouldListApisInApiKeyOrderWhenConvertedToApiVersions() {
        // when
        ApiVersionCollection apiVersions = table.toApiVersions();

        // then
        ApiVersionCollection expected = new ApiVersionCollection();
        expected.add(new ApiVersion().setApiKey(ApiKeys.PRODUCE.id).setMinVersion((short) 3).setMaxVersion((short) 13));
        expected.add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion((short) 0).setMaxVersion((short) 4));
        assertEquals(expected, apiVersions);
        assertNotSame(apiVersions, table.toApiVersions(), "each response gets its own collection");
    }

    @Test
    void shouldBuildSameTableWhenCreatedFromAMap() {
        // given
        Map<ApiKeys, VersionRange> ranges = new EnumMap<>(ApiKeys.class);
        ranges.put(ApiKeys.API_VERSIONS, VersionRange.of(0, 4));
        ranges.put(ApiKeys.PRODUCE, VersionRange.of(3, 13));

        // when
        ApiVersionsTable fromMap = ApiVersionsTable.of(ranges);
        ranges.clear();

        // then
        assertEquals(table, fromMap);
        assertEquals(2, fromMap.ranges().size());
        assertThrows(UnsupportedOperationException.class, () -> fromMap.ranges().clear());
    }

    @Test
    void shouldRejectRangeWhenKafkaClientsCannotServeIt() {
        assertThrows(IllegalArgumentException.class, () -> ApiVersionsTable.builder().add(ApiKeys.PRODUCE, (short) 0, (short) 13).build());
        assertThrows(IllegalArgumentException.class, () -> ApiVersionsTable.builder().add(ApiKeys.PRODUCE, (short) 3, (short) 99).build());
        assertThrows(IllegalArgumentException.class, () -> ApiVersionsTable.builder().add(ApiKeys.LEADER_AND_ISR, (short) 0, (short) 0).build());
    }

    @Test
    void shouldRejectApiWhenDeclaredTwice() {
        ApiVersionsTable.Builder builder = ApiVersionsTable.builder().add(ApiKeys.FETCH, (short) 4, (short) 18);

        assertThrows(IllegalArgumentException.class, () -> builder.add(ApiKeys.FETCH, (short) 4, (short) 12));
    }

    @Test
    void shouldRejectRangeWhenMinIsAboveMaxOrNegative() {
        assertThrows(IllegalArgumentException.class, () -> VersionRange.of(5, 4));
        assertThrows(IllegalArgumentException.class, () -> VersionRange.of(-1, 4));
        assertThrows(IllegalArgumentException.class, () -> VersionRange.of(0, 40_000));
    }
}
