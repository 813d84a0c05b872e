package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json refuses a value of the wrong type or shape before anything is rendered, naming the value. */
class ValuesSchemaIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "replicas=notanumber                  | replicas",
        "replicas=0                           | replicas",
        "image.tag=latest                     | image.tag",
        "watchNamespaces=team-a               | watchNamespaces",
        "watchNamespaces={Team_A}             | watchNamespaces",
        "settings.statusPollPeriod=30s        | settings.statusPollPeriod",
        "settings.exportThresholdBytes=5GB    | settings.exportThresholdBytes",
        "networkPolicy.enabled=yes            | networkPolicy.enabled",
        "resources=big                        | resources",
        "serviceAccount.annotations=role      | serviceAccount.annotations",
        "replica=2                            | replica",
    })
    void wrongValuesAreRefused(String value, String named) {
        Helm.Result result = Helm.run(Helm.templateArgs(value));
        assertThat(result.exitCode()).as("helm template --set %s was accepted", value).isNotZero();
        assertThat(result.err()).contains("values don't meet the specifications of the schema").contains(named);
    }
}
