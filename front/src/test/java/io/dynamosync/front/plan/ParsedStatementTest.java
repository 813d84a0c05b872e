package io.dynamosync.front.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.pull.FrontDuckDb;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ParsedStatementTest {

    private static Connection parser;

    @BeforeAll
    static void open() throws Exception {
        parser = new FrontDuckDb(64L << 20, 1).open();
    }

    @AfterAll
    static void close() throws Exception {
        parser.close();
    }

    @Test
    void findsEveryCollectionReadButNotCteNames() {
        ParsedStatement s = ParsedStatement.parse(
                parser,
                "WITH big AS (SELECT * FROM commons.orders WHERE total > :min)\n"
                        + "SELECT c.name, count(*) FROM big JOIN \"customers\" c ON big.customerId = c.id GROUP BY 1");
        assertThat(s.tables()).extracting(TableReference::shown).containsExactly("commons.orders", "customers");
        assertThat(s.names()).contains("c", "name", "customerid", "id", "total");
        assertThat(s.selectsStar()).isTrue();
        assertThat(s.parameters()).containsOnlyKeys("min");
    }

    @Test
    void aSyntaxErrorIsAQueryErrorAtItsLineAndColumnOfTheUsersText() {
        assertThatThrownBy(() -> ParsedStatement.parse(parser, "SELECT *\nFROM orders WHERE total > :min AND AND"))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.type()).isEqualTo("QUERY_ERROR");
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(36);
                });
    }

    @Test
    void onlyReadingStatementsPass() {
        assertThatThrownBy(() -> ParsedStatement.parse(parser, "DELETE FROM orders"))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.getMessage()).contains("queries only read"));
        assertThatThrownBy(() -> ParsedStatement.parse(parser, "SELECT 1; SELECT 2"))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.getMessage()).contains("one statement"));
        assertThatThrownBy(() -> ParsedStatement.parse(parser, "  "))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.type()).isEqualTo("INVALIDINPUT"));
    }

    @Test
    void qualifiedReferencesAreRewrittenToTheWorkersTableNameAndNoPositionMoves() {
        String sql = "SELECT o.id, 'commons.orders' AS t FROM commons . orders o\n"
                + "WHERE o.id IN (SELECT id FROM \"commons\".\"orders\" WHERE total::INT > :min) OR o.id IN (SELECT id FROM orders)";
        ParsedStatement s = ParsedStatement.parse(parser, sql);
        String rewritten = WorkerSql.rewrite(sql, s.tables(), "orders");
        assertThat(rewritten).hasSameSizeAs(sql);
        assertThat(rewritten.replaceAll(" +", " "))
                .isEqualTo(
                        "SELECT o.id, 'commons.orders' AS t FROM \"orders\" o\n"
                                + "WHERE o.id IN (SELECT id FROM \"orders\" WHERE total::INT > :min) OR o.id IN (SELECT id FROM orders)");
    }

    @Test
    void positionsAfterNonAsciiTextStillPointAtTheTable() {
        String sql = "SELECT 'ünïcödé' AS x FROM analytics.customers";
        ParsedStatement s = ParsedStatement.parse(parser, sql);
        assertThat(WorkerSql.rewrite(sql, s.tables(), "customers").strip())
                .isEqualTo("SELECT 'ünïcödé' AS x FROM \"customers\"");
    }

    @Test
    void parametersAreFoundOutsideStringsCommentsAndCasts() {
        String sql = "SELECT ':no', \":no\" FROM t -- :no\nWHERE a = :yes AND b::TEXT = :also /* :no */";
        assertThat(ParameterText.names(sql)).isEqualTo(List.of("yes", "also"));
        assertThat(ParameterText.asDuckDb(sql)).hasSameSizeAs(sql).contains("$yes", "$also", "':no'", "::TEXT");
        assertThat(ParameterText.fromDuckDb(ParameterText.asDuckDb(sql))).isEqualTo(sql);
        assertThat(ParameterText.asNumbered("SELECT :a, :bb, :a")).isEqualTo("SELECT $1, $2 , $1");
    }
}
