package io.strata.broker.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class FetchPlannerTest {

    private static final FetchKey KEY = FetchKey.byName("orders", 0);
    private static final int LEADER_EPOCH = 3;

    @Test
    void shouldReadWhenOffsetIsWithinTheLog() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(10, -1, -1), LEADER_EPOCH, 5, 20);

        // then
        assertInstanceOf(FetchPlanner.Read.class, plan);
    }

    @Test
    void shouldReadWhenOffsetIsTheLogEndOffset() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(20, -1, -1), LEADER_EPOCH, 5, 20);

        // then
        assertInstanceOf(FetchPlanner.Read.class, plan);
    }

    @Test
    void shouldFailOutOfRangeWhenOffsetIsBelowLogStartOffset() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(4, -1, -1), LEADER_EPOCH, 5, 20);

        // then
        assertEquals(new FetchPlanner.Fail(Errors.OFFSET_OUT_OF_RANGE), plan);
    }

    @Test
    void shouldFailOutOfRangeWhenOffsetIsAboveLogEndOffset() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(21, -1, -1), LEADER_EPOCH, 5, 20);

        // then
        assertEquals(new FetchPlanner.Fail(Errors.OFFSET_OUT_OF_RANGE), plan);
    }

    @Test
    void shouldFailUnknownLeaderEpochWhenClientEpochIsNewer() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(10, LEADER_EPOCH + 1, -1), LEADER_EPOCH, 5, 20);

        // then
        assertEquals(new FetchPlanner.Fail(Errors.UNKNOWN_LEADER_EPOCH), plan);
    }

    @Test
    void shouldFailFencedLeaderEpochWhenClientEpochIsOlder() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(10, LEADER_EPOCH - 1, -1), LEADER_EPOCH, 5, 20);

        // then
        assertEquals(new FetchPlanner.Fail(Errors.FENCED_LEADER_EPOCH), plan);
    }

    @Test
    void shouldCheckLeaderEpochBeforeOffsetRange() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(99, LEADER_EPOCH + 1, -1), LEADER_EPOCH, 5, 20);

        // then
        assertEquals(new FetchPlanner.Fail(Errors.UNKNOWN_LEADER_EPOCH), plan);
    }

    @Test
    void shouldReportDivergingEpochWhenClientFetchedBeyondTheEpochEnd() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(25, -1, LEADER_EPOCH), LEADER_EPOCH, 5, 20);

        // then
        assertEquals(new FetchPlanner.Diverging(LEADER_EPOCH, 20), plan);
    }

    @Test
    void shouldReadWhenLastFetchedEpochIsCurrentAndOffsetIsInRange() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(10, -1, LEADER_EPOCH), LEADER_EPOCH, 5, 20);

        // then
        assertInstanceOf(FetchPlanner.Read.class, plan);
    }

    @Test
    void shouldFailOutOfRangeWhenLastFetchedEpochIsUnknown() {
        // when
        FetchPlanner.Plan plan = FetchPlanner.plan(fetch(10, -1, LEADER_EPOCH + 2), LEADER_EPOCH, 5, 20);

        // then
        assertEquals(new FetchPlanner.Fail(Errors.OFFSET_OUT_OF_RANGE), plan);
    }

    private static PartitionFetch fetch(long fetchOffset, int currentLeaderEpoch, int lastFetchedEpoch) {
        return new PartitionFetch(KEY, fetchOffset, 1024, currentLeaderEpoch, lastFetchedEpoch);
    }
}
