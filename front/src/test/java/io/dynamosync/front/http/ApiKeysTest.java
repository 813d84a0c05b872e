package io.dynamosync.front.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void withoutAnyKeyTheApiIsOpen() {
        ApiKeys keys = ApiKeys.of(FrontKey.of(null));
        assertThat(keys.required()).isFalse();
        assertThat(keys.admit(null)).contains(ApiKeys.OPEN);
        assertThat(ApiKeys.OPEN.manages()).as("an open API takes no writes").isFalse();
    }

    @Test
    void eachSecretEntryIsANamedKeyWithItsScopeAndReplacingTheSecretReplacesThem() {
        ApiKeys keys = ApiKeys.of(FrontKey.of("env-key"));
        keys.replace(Map.of(
                "analytics", "{\"key\": \"k1\", \"workspaces\": [\"commons\", \"crm\"]}",
                "admin", "k2",
                "broken", "{\"workspaces\": [\"crm\"]}",
                "notjson", "{key: k3"));

        assertThat(keys.admit("ApiKey env-key"))
                .get()
                .extracting(FrontKey::name)
                .isEqualTo(FrontKey.DEFAULT_NAME);
        FrontKey analytics = keys.admit("ApiKey k1").orElseThrow();
        assertThat(analytics.name()).isEqualTo("analytics");
        assertThat(analytics.allows("crm")).isTrue();
        assertThat(analytics.allows("shop")).isFalse();
        assertThat(keys.admit("Bearer k2"))
                .get()
                .satisfies(k -> assertThat(k.allows("shop")).isTrue());
        assertThat(keys.admit("ApiKey k3"))
                .as("an entry that is not a key admits nothing")
                .isEmpty();
        assertThat(keys.admit("ApiKey nothing")).isEmpty();
        assertThat(keys.admit("Basic k1")).isEmpty();
        assertThat(analytics.toString()).doesNotContain("k1");

        keys.replace(Map.of());
        assertThat(keys.admit("ApiKey k1")).as("a key removed from the Secret").isEmpty();
        assertThat(keys.admit("ApiKey env-key")).isPresent();
    }

    @Test
    void aKeyQueriesUnlessItsEntryGivesItRoleManage() {
        ApiKeys keys = ApiKeys.of(FrontKey.of("env-key"));
        keys.replace(Map.of(
                "reader", "{\"key\": \"k1\"}",
                "editor", "{\"key\": \"k2\", \"workspaces\": [\"crm\"], \"role\": \"manage\"}",
                "bare", "k3",
                "typo", "{\"key\": \"k4\", \"role\": \"admin\"}"));

        assertThat(keys.admit("ApiKey k1").orElseThrow().manages()).isFalse();
        FrontKey editor = keys.admit("ApiKey k2").orElseThrow();
        assertThat(editor.manages()).isTrue();
        assertThat(editor.allows("shop"))
                .as("the role does not widen the workspaces")
                .isFalse();
        assertThat(keys.admit("ApiKey k3").orElseThrow().manages()).isFalse();
        assertThat(keys.admit("ApiKey k4"))
                .as("an unknown role leaves the entry out")
                .isEmpty();
        assertThat(keys.admit("ApiKey env-key").orElseThrow().manages())
                .as("the key of every workspace, from the environment")
                .isTrue();
    }
}
