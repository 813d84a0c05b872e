package io.dynamosync.worker.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlTextTest {

    @Test
    void parametersBecomeQuestionMarksOfTheSameLengthOnlyInCode() {
        String sql =
                "SELECT :a, ':a', \":a\", x::INT, $$ :a $$, E'\\' :a' -- :a\n/* :a /* :a */ */ , :b + :a, arr[1:a]";
        SqlText.Rewritten rewritten = new SqlText(sql).bind(Set.of("a", "b"));

        assertThat(rewritten.sql()).hasSameSizeAs(sql);
        assertThat(rewritten.sql())
                .startsWith("SELECT ?" + " ".repeat(1) + ", ':a', \":a\", x::INT, $$ :a $$, E'\\' :a' -- :a\n");
        assertThat(rewritten.sql()).endsWith(", ?  + ?" + " ".repeat(1) + ", arr[1?" + " ".repeat(1) + "]");
        assertThat(rewritten.order()).containsExactly("a", "b", "a", "a");
    }

    @Test
    void anUndeclaredNameIsLeftAndReported() {
        SqlText text = new SqlText("SELECT :known, :unknown, {'k': v}");
        assertThat(text.bind(Set.of("known")).sql()).isEqualTo("SELECT ?     , :unknown, {'k': v}");
        assertThat(text.undeclared(Map.of("known", 1))).containsExactly("unknown");
    }

    @Test
    void findsTheFirstKeywordAndASecondStatementPastCommentsAndStrings() {
        assertThat(new SqlText("  -- note\n /* x */ (select 1)").firstKeyword()).isEqualTo("SELECT");
        assertThat(new SqlText("SELECT ';'; ").secondStatement()).isEqualTo(-1);
        assertThat(new SqlText("SELECT 1; -- trailing\n").secondStatement()).isEqualTo(-1);
        assertThat(new SqlText("SELECT 1;\nDROP TABLE t").secondStatement()).isEqualTo(8);
        assertThat(SqlText.lineAndColumn("SELECT 1;\nDROP", 11)).containsExactly(2, 2);
    }

    @Test
    void starExceptBecomesExcludeOnlyInCodeAndOnlyAfterAStar() {
        assertThat(new SqlText("SELECT * EXCEPT (a, b) FROM t").exceptAsExclude())
                .isEqualTo("SELECT * EXCLUDE (a, b) FROM t");
        assertThat(new SqlText("select t.*except(a), u.* /* c */ Except\n (b) from t, u").exceptAsExclude())
                .isEqualTo("select t.*EXCLUDE(a), u.* /* c */ EXCLUDE\n (b) from t, u");
        for (String untouched : List.of(
                "SELECT * FROM a EXCEPT (SELECT * FROM b)",
                "SELECT '* EXCEPT (a)', \"* EXCEPT (b)\"",
                "SELECT * EXCEPTIONAL (a)",
                "SELECT count(*) EXCEPT_x FROM t",
                "-- * EXCEPT (a)\nSELECT 1")) {
            assertThat(new SqlText(untouched).exceptAsExclude()).isEqualTo(untouched);
        }
    }
}
