package io.dynamosync.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransformationTest {

    @Test
    void exceptBecomesExcludeOutsideQuotedText() {
        assertThat(Transformation.of("SELECT * EXCEPT (a, b) FROM _input;").sql())
                .isEqualTo("SELECT * EXCLUDE (a, b) FROM _input");
        String quoted = "SELECT *, '* EXCEPT (a)' AS s, \"* EXCEPT (b)\" FROM _input -- * EXCEPT (c)";
        assertThat(Transformation.of(quoted).sql()).isEqualTo(quoted);
        assertThat(Transformation.of(" ").isIdentity()).isTrue();
    }

    @Test
    void anEscapeStringIsScannedWhole() {
        // In E'...' a backslash escapes the quote, so the literal runs to the last quote: nothing inside is code.
        String sql = "SELECT * EXCEPT (a), E'it\\'s * EXCEPT (b) and _item_id' AS note FROM _input";
        Transformation transformation = Transformation.of(sql);
        assertThat(transformation.sql())
                .isEqualTo("SELECT * EXCLUDE (a), E'it\\'s * EXCEPT (b) and _item_id' AS note FROM _input");
        assertThat(transformation.mentions("_item_id")).isFalse();
        assertThat(transformation.mentions("note")).isTrue();
    }

    @Test
    void mentionsFindsWordsAndQuotedNamesButNotStringsOrComments() {
        assertThat(Transformation.of("SELECT *, _item_id AS legacyId FROM _input")
                        .mentions("_ITEM_ID"))
                .isTrue();
        assertThat(Transformation.of("SELECT *, \"_item_id\" AS legacyId FROM _input")
                        .mentions("_item_id"))
                .isTrue();
        assertThat(Transformation.of("SELECT *, '_item_id' AS s FROM _input /* _item_id */")
                        .mentions("_item_id"))
                .isFalse();
        assertThat(Transformation.of("SELECT *, _item_id_2 FROM _input").mentions("_item_id"))
                .isFalse();
    }
}
