package io.dynamosync.worker.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DuckDbErrorsTest {

    @Test
    void aBinderErrorGivesItsLineAndColumnAndLosesTheDriversWrapper() {
        String sql = "SELECT 1,\n  2,\n  'ü', nope FROM range(3)";
        QueryFailure failure = DuckDbErrors.of(
                "Invalid Input Error: Attempting to execute an unsuccessful or closed pending query result\n"
                        + "Error: Binder Error: Referenced column \"nope\" not found in FROM clause!\nCandidate bindings: \"range\"\n\n"
                        + "LINE 3:   'ü', nope FROM range(3)\n               ^",
                sql);

        assertThat(failure.reason()).isEqualTo("QueryError");
        assertThat(failure.getMessage())
                .isEqualTo(
                        "Binder Error: Referenced column \"nope\" not found in FROM clause!\nCandidate bindings: \"range\"");
        assertThat(failure.line()).isEqualTo(3);
        assertThat(failure.column()).isEqualTo(8);
    }

    @Test
    void aLongLineShownCutStillGivesTheRealColumn() {
        String sql = "SELECT " + "1 + ".repeat(60) + " foo FROM range(3) WHERE xx = 1";
        String message = "Binder Error: Referenced column \"xx\" not found in FROM clause!\n\n"
                + "LINE 1: ...+ 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 +  foo FROM range(3) WHERE xx = 1\n"
                + "                                                                          ^";
        QueryFailure failure = DuckDbErrors.of(message, sql);

        assertThat(failure.column()).isEqualTo(sql.indexOf("xx") + 1);
    }

    @Test
    void fileAccessIsNotAllowed() {
        QueryFailure failure = DuckDbErrors.of(
                "Permission Error: Cannot access file \"/etc/passwd\" - file system operations are "
                        + "disabled by configuration",
                "SELECT * FROM read_csv('/etc/passwd')");
        assertThat(failure.reason()).isEqualTo("QueryNotAllowed");
        assertThat(failure.line()).isNull();
    }
}
