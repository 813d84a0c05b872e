package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * values.schema.json refuses a value of the wrong type or shape before anything is rendered, naming the value: the
 * nested Kubernetes objects (security contexts, resources, EnvVars, tolerations, affinity) are typed, so a misspelt
 * key or an unsafe setting fails the install instead of being dropped or applied; durations are checked as the
 * operator parses them at start.
 */
class ValuesSchemaIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
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
                // Root, privileges, and what the restricted Pod Security Standard forbids.
                "podSecurityContext.runAsUser=0       | podSecurityContext.runAsUser: Must be greater than or equal to 1",
                "podSecurityContext.runAsNonRoot=false | podSecurityContext.runAsNonRoot",
                "securityContext.runAsUser=0          | securityContext.runAsUser: Must be greater than or equal to 1",
                "securityContext.privileged=true      | securityContext.privileged",
                "securityContext.allowPrivilegeEscalation=true | securityContext.allowPrivilegeEscalation",
                "securityContext.capabilities.add={NET_ADMIN} | securityContext.capabilities.add",
                "podSecurityContext.seccompProfile.type=Unconfined | podSecurityContext.seccompProfile.type",
                // Misspelt keys of nested objects.
                "extraEnv[0].name=A,extraEnv[0].valu=b | extraEnv.0: Additional property valu is not allowed",
                "tolerations[0].keyy=dedicated        | tolerations.0: Additional property keyy is not allowed",
                "tolerations[0].operator=Exist        | tolerations.0.operator",
                "affinity.nodeAfinity.x=1             | affinity: Additional property nodeAfinity is not allowed",
                "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels.a=b "
                        + "| topologyKey is required",
                "resources.limit.cpu=1                | resources: Additional property limit is not allowed",
                "imagePullSecrets[0].nam=regcred      | imagePullSecrets.0",
                "worker.tolerations[0].efect=NoSchedule | worker.tolerations.0: Additional property efect is not allowed",
                "worker.imagePullSecrets[0]=regcred   | worker.imagePullSecrets.0",
                "networkPolicy.metricsScrapers[0].podSelectr.matchLabels.a=b | networkPolicy.metricsScrapers.0",
                // Quantities.
                "resources.limits.cpu=-1              | resources.limits.cpu",
                "resources.requests.memory=lots       | resources.requests.memory",
                "tmpSizeLimit=banana                  | tmpSizeLimit",
                // Durations the old pattern let through, on which the operator failed at start.
                "settings.statusPollPeriod=P          | settings.statusPollPeriod",
                "settings.accessRecheckPeriod=PT      | settings.accessRecheckPeriod",
                "settings.streamRetention=P1DT        | settings.streamRetention",
                "leaderElection.retryPeriod=PT0S      | leaderElection.retryPeriod",
                "metrics.prometheusRule.for=soon      | metrics.prometheusRule.for",
            })
    void wrongValuesAreRefused(String value, String named) {
        Helm.Result result = Helm.run(Helm.templateArgs(value.split(",(?=[a-zA-Z])")));
        assertThat(result.exitCode())
                .as("helm template --set %s was accepted", value)
                .isNotZero();
        assertThat(result.err())
                .contains("values don't meet the specifications of the schema")
                .contains(named);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "settings.statusPollPeriod=PT1.5S",
                "settings.accessRecheckPeriod=P1DT2H",
                "settings.streamRetention=P1D",
                "resources.limits.cpu=0.5",
                "resources.limits.memory=1Gi",
                "tmpSizeLimit=1G",
                "tolerations[0].key=dedicated,tolerations[0].operator=Equal,tolerations[0].value=sync,"
                        + "tolerations[0].effect=NoSchedule",
                "extraEnv[0].name=AWS_REGION,extraEnv[0].value=eu-west-1",
                "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey=kubernetes.io/hostname",
                "podSecurityContext.runAsUser=20000,securityContext.runAsUser=20000"
            })
    void rightValuesAreAccepted(String value) {
        Helm.Result result = Helm.run(Helm.templateArgs(value.split(",(?=[a-zA-Z])")));
        assertThat(result.exitCode())
                .as("helm template --set %s:\n%s", value, result.err())
                .isZero();
    }

    /** A duration is accepted exactly when the operator can read it: java.time.Duration.parse, and above zero. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "P",
                "PT",
                "P1DT",
                "PT30S",
                "PT10M",
                "PT24H",
                "P1D",
                "P2DT3H4M5.5S",
                "PT0.000000001S",
                "PT1,5S",
                "pt30s",
                "PT0S",
                "P0D",
                "PT0.0S",
                "PT-1S",
                "-PT1S",
                "P1W",
                "P1M",
                "PT1.1234567890S",
                "30s",
                "PT1H30",
                "P1DT0S",
                "PT0H0M1S"
            })
    void durationsAreCheckedAsTheOperatorParsesThem(String value) throws IOException {
        JsonNode duration = new ObjectMapper()
                .readTree(Helm.CHART.resolve("values.schema.json").toFile())
                .path("definitions")
                .path("duration");
        boolean schemaAccepts = Pattern.compile(duration.path("pattern").asText())
                        .matcher(value)
                        .find()
                && !Pattern.compile(duration.path("not").path("pattern").asText())
                        .matcher(value)
                        .find();
        boolean operatorReads;
        try {
            Duration parsed = Duration.parse(value);
            operatorReads = !parsed.isNegative() && !parsed.isZero();
        } catch (DateTimeParseException e) {
            operatorReads = false;
        }
        assertThat(schemaAccepts)
                .as("the schema's verdict on %s against Duration.parse's", value)
                .isEqualTo(operatorReads);
        // And Helm's validator reads the pattern as Java does.
        Helm.Result result = Helm.run(Helm.templateArgs("settings.statusPollPeriod=" + value.replace(",", "\\,")));
        assertThat(result.exitCode() == 0)
                .as("helm template --set settings.statusPollPeriod=%s: %s", value, result.err())
                .isEqualTo(operatorReads);
    }

    @Test
    void withoutARegistryNothingRendersAndTheMessageSaysWhatToSet() {
        Helm.Result none = Helm.run(Helm.templateArgs("image.registry="));
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.err())
                .contains(
                        "image.registry is not set", "images/build-and-push REGISTRY", "--set image.registry=REGISTRY");

        Helm.Result placeholder = Helm.run(Helm.templateArgs("image.registry=<your-registry>"));
        assertThat(placeholder.exitCode()).isNotZero();
        assertThat(placeholder.err()).contains("image.registry \"<your-registry>\" is not a registry");

        Helm.Result worker = Helm.run(Helm.templateArgs("worker.image.registry=Not A Registry"));
        assertThat(worker.exitCode()).isNotZero();
        assertThat(worker.err()).contains("worker.image.registry \"Not A Registry\" is not a registry");
    }

    @Test
    void theWorkerImageComesFromTheSameRegistryUnlessToldOtherwise() {
        assertThat(RenderedChartIT.settings(Helm.template().one(Deployment.class))
                        .workerImage())
                .startsWith(Helm.REGISTRY + "/dynamo-sync/worker:");
        assertThat(RenderedChartIT.settings(Helm.template("worker.image.registry=other.test")
                                .one(Deployment.class))
                        .workerImage())
                .startsWith("other.test/dynamo-sync/worker:");
    }
}
