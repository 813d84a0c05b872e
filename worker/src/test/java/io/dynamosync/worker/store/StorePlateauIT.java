package io.dynamosync.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under steady churn the store file stops growing: 1,000 items loaded, then five minutes of 300 puts, updates and
 * deletes a second over 2,000 keys (issue 24's measurement), in the stream's commits of what a 200 ms poll reads,
 * with a reader querying the collection meanwhile (a query running during a checkpoint keeps it from vacuuming).
 * The file must end no bigger than it was half-way plus 10%, and hold no more than three times the bytes a
 * document of a fresh load of the documents it ends with.
 *
 * <p>It drives the store directly ({@link StoreChurn}), not through DynamoDB Local: on the two cores of a CI
 * machine DynamoDB Local with a stream takes far fewer than 300 writes a second, and the store is what grows.
 * Before the fix (the collection table had a primary key, and DuckDB never vacuums the deleted rows of a table
 * with an index) the file grew from 14 MB to 239 MB in the first minute, every replaced row kept.
 */
class StorePlateauIT {

    @TempDir
    Path directory;

    @Test
    void theStoreFilePlateausUnderFiveMinutesOfChurn() throws Exception {
        // bench/plateau runs it longer (-Dplateau.minutes=30).
        Duration duration = Duration.ofMinutes(Integer.getInteger("plateau.minutes", 5));
        int rate = Integer.getInteger("plateau.rate", 300);
        StoreChurn.Plateau plateau = StoreChurn.plateau(directory, duration, rate, 50, System.out::println);
        System.out.println(plateau);

        assertThat(plateau.end().changes()).as("changes made").isGreaterThan(duration.toSeconds() * rate * 2 / 3);
        assertThat(plateau.end().fileBytes())
                .as("the file at the end against half-way: %s", plateau)
                .isLessThanOrEqualTo((long) (plateau.halfWay().fileBytes() * 1.1));
        assertThat(plateau.endBytesPerDocument())
                .as("bytes a document at the end against a fresh load's: %s", plateau)
                .isLessThanOrEqualTo(3 * plateau.freshBytesPerDocument());
    }
}
