package io.dynamosync.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StreamProgress#passed}: every shard read short of a full page after the instant, and all read committed. */
class StreamPassedTest {

    private static final Instant T = Instant.parse("2026-12-07T06:00:00Z");

    private static StreamProgress following(String... shards) {
        StreamProgress progress = new StreamProgress();
        progress.open(List.of(shards));
        progress.live();
        return progress;
    }

    @Test
    void aShortPageSentAfterTheInstantPassesItOnceItsRecordsAreCommitted() {
        StreamProgress progress = following("s1");
        long ticket = progress.read("s1", 5, false, T.plusSeconds(1), true);

        assertThat(progress.passed(T)).as("records read wait to be committed").isFalse();
        progress.committed(ticket, false);
        assertThat(progress.passed(T)).isTrue();
        assertThat(progress.passed(T.plusSeconds(2)))
                .as("read before the instant")
                .isFalse();
        assertThat(progress.synced()).as("synced needs an empty read").isFalse();
    }

    @Test
    void aFullPageDoesNotPassAndEveryShardMust() {
        StreamProgress progress = following("s1", "s2");
        progress.committed(progress.read("s1", 1000, false, T.plusSeconds(1), false), false);
        progress.read("s2", 0, false, T.plusSeconds(1), true);

        assertThat(progress.passed(T)).as("s1 may hold more").isFalse();
        progress.read("s1", 0, false, T.plusSeconds(2), true);
        assertThat(progress.passed(T)).isTrue();
    }

    @Test
    void aPageReadBeforeTheShortOneMustBeCommittedToo() {
        StreamProgress progress = following("s1", "s2");
        long early = progress.read("s1", 3, false, T.plusSeconds(1), true);
        progress.read("s2", 0, false, T.plusSeconds(1), true);

        assertThat(progress.passed(T)).isFalse();
        progress.committed(early, false);
        assertThat(progress.passed(T)).isTrue();
    }

    @Test
    void nothingPassesBeforeTheStreamIsFollowed() {
        StreamProgress progress = new StreamProgress();
        progress.open(List.of("s1"));
        progress.read("s1", 0, false, T.plusSeconds(1), true);

        assertThat(progress.passed(T)).isFalse();
    }

    @Test
    void underSteadyWritesTheStatusSaysAsOfWhenEverythingIsQueryableThoughNeverSynced() {
        StreamProgress progress = following("s1");
        assertThat(progress.snapshot().syncedAsOf()).as("nothing read yet").isNull();
        long first = progress.read("s1", 4, false, T.plusSeconds(1), true);
        assertThat(progress.snapshot().syncedAsOf()).as("its records wait").isNull();
        progress.committed(first, false);
        long second = progress.read("s1", 2, false, T.plusSeconds(2), true);

        // A page always waits, so the worker is never synced, yet everything up to the first read is queryable.
        assertThat(progress.snapshot().synced()).isFalse();
        assertThat(progress.snapshot().syncedAsOf()).isEqualTo(T.plusSeconds(1));
        progress.committed(second, false);
        long third = progress.read("s1", 3, false, T.plusSeconds(3), true);
        assertThat(progress.snapshot().synced()).isFalse();
        assertThat(progress.snapshot().syncedAsOf()).isEqualTo(T.plusSeconds(2));
        progress.committed(third, false);
        assertThat(progress.snapshot().syncedAsOf()).isEqualTo(T.plusSeconds(3));

        // A shard listed later, whose first read was sent before that: what was queryable stays queryable.
        progress.open(List.of("s1", "s2"));
        progress.read("s2", 0, false, T.plusSeconds(1), true);
        assertThat(progress.passed(T)).isTrue();
        assertThat(progress.snapshot().syncedAsOf()).as("it only moves forward").isEqualTo(T.plusSeconds(3));
    }

    @Test
    void whileAClosedShardsChildrenAreUnlistedTheyAreUnreadSoNothingMovesForward() {
        StreamProgress progress = following("s1", "s2");
        progress.read("s1", 0, false, T.plusSeconds(1), true);
        progress.read("s2", 0, false, T.plusSeconds(1), true);
        assertThat(progress.snapshot().syncedAsOf()).isEqualTo(T.plusSeconds(1));

        progress.closed("s1");
        progress.read("s2", 0, false, T.plusSeconds(5), true);
        assertThat(progress.snapshot().synced())
                .as("s1's children are not listed yet")
                .isFalse();
        assertThat(progress.snapshot().syncedAsOf()).isEqualTo(T.plusSeconds(1));
        assertThat(progress.passed(T.plusSeconds(2))).isFalse();

        progress.open(List.of("s2", "s3"));
        progress.read("s2", 0, false, T.plusSeconds(6), true);
        assertThat(progress.snapshot().syncedAsOf()).as("s3 not read yet").isEqualTo(T.plusSeconds(1));
        progress.read("s3", 0, false, T.plusSeconds(7), true);
        assertThat(progress.snapshot().syncedAsOf()).isEqualTo(T.plusSeconds(6));
    }

    @Test
    void whenSyncedTheStatusSaysAsOfTheEmptyReads() {
        StreamProgress progress = following("s1");
        progress.read("s1", 0, false, T.plusSeconds(5), true);

        assertThat(progress.snapshot().synced()).isTrue();
        assertThat(progress.snapshot().syncedAsOf()).isEqualTo(T.plusSeconds(5));
    }
}
