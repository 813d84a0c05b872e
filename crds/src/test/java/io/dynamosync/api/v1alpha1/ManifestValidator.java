package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a manifest as the API server checks a custom resource against its CRD's openAPIV3Schema, because
 * Fabric8's mock server checks nothing: the structural schema with a JSON Schema validator, then every
 * {@code x-kubernetes-validations} rule with cel-java.
 *
 * <p>It follows the API server where that decides what a user sees: fields the schema does not declare are
 * refused ({@code kubectl apply} validates strictly since Kubernetes 1.25) except under
 * {@code x-kubernetes-preserve-unknown-fields}; {@code apiVersion}, {@code kind} and {@code metadata} are always
 * allowed; a rule runs only where its object is present; a transition rule (one naming {@code oldSelf}) runs
 * only on update, where the old object has the same field. It does not apply defaults, nor estimate rule cost.
 */
final class ManifestValidator {

    /** One reason the API server would refuse a manifest: where, which schema keyword or rule, and its message. */
    record Violation(String path, String rule, String message) {

        /** The keyword used for a failed CEL rule. */
        static final String CEL = "x-kubernetes-validations";
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");
    // The API server's environment has the standard macros (has, all, exists, ...); `self` is typed from the
    // schema there, dynamic here, so a rule naming an undeclared field compiles here but not there.
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();

    private final JsonNode schema;
    private final JsonSchema structural;
    private final Map<String, CelAbstractSyntaxTree> compiled = new HashMap<>();

    private ManifestValidator(JsonNode openApiV3Schema) {
        this.schema = openApiV3Schema;
        ObjectNode strict = openApiV3Schema.deepCopy();
        closeObjects(strict);
        ObjectNode top = (ObjectNode) strict.get("properties");
        top.putObject("apiVersion").put("type", "string");
        top.putObject("kind").put("type", "string");
        top.putObject("metadata").put("type", "object");
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        // OpenAPI v3.0 schemas are closest to draft 4 (boolean exclusiveMinimum, no $schema).
        this.structural =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict, config);
    }

    /** A validator for the committed CRD of this kind, the one users apply. */
    static ManifestValidator forKind(Class<? extends CustomResource<?, ?>> kind) {
        CustomResourceDefinition crd = GeneratedCrds.committed(kind);
        String version = io.fabric8.kubernetes.api.model.HasMetadata.getVersion(kind);
        Object schema = crd.getSpec().getVersions().stream()
                .filter(v -> v.getName().equals(version))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException(crd.getMetadata().getName() + " has no version " + version))
                .getSchema()
                .getOpenAPIV3Schema();
        return new ManifestValidator(JSON.valueToTree(schema));
    }

    /** What the API server would refuse in a manifest being created. */
    List<Violation> validate(JsonNode manifest) {
        return validateUpdate(null, manifest);
    }

    /** What the API server would refuse in a manifest replacing {@code old}; transition rules run too. */
    List<Violation> validateUpdate(JsonNode old, JsonNode manifest) {
        List<Violation> violations = new ArrayList<>();
        for (ValidationMessage m : structural.validate(manifest)) {
            String path = fromPointer(m.getInstanceLocation().toString());
            if (("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))
                    && m.getProperty() != null) {
                path = path.isEmpty() ? m.getProperty() : path + "." + m.getProperty();
            }
            violations.add(new Violation(path, m.getType(), m.getMessage()));
        }
        checkRules(schema, manifest, old, "", violations);
        violations.sort(Comparator.comparing(Violation::path).thenComparing(Violation::rule));
        return violations;
    }

    private void checkRules(JsonNode schema, JsonNode value, JsonNode old, String path, List<Violation> out) {
        if (value == null || value.isMissingNode()) {
            return;
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expression = rule.get("rule").asText();
            boolean transition = OLD_SELF.matcher(expression).find();
            if (transition && (old == null || old.isMissingNode())) {
                continue;
            }
            Map<String, Object> vars = new HashMap<>();
            vars.put("self", toCel(value));
            if (transition) {
                vars.put("oldSelf", toCel(old));
            }
            if (!Boolean.TRUE.equals(evaluate(expression, vars))) {
                String message = rule.has("message") ? rule.get("message").asText() : "failed rule: " + expression;
                out.add(new Violation(path, Violation.CEL, message));
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                JsonNode childSchema = properties.has(field.getKey()) ? properties.get(field.getKey()) : additional;
                if (childSchema.isObject()) {
                    JsonNode oldChild = old == null ? null : old.get(field.getKey());
                    checkRules(childSchema, field.getValue(), oldChild, join(path, field.getKey()), out);
                }
            }
        } else if (value.isArray() && schema.path("items").isObject()) {
            // The API server pairs old and new list items only for map and set lists; these CRDs have none.
            for (int i = 0; i < value.size(); i++) {
                checkRules(schema.get("items"), value.get(i), null, path + "[" + i + "]", out);
            }
        }
    }

    private Object evaluate(String expression, Map<String, Object> vars) {
        try {
            CelAbstractSyntaxTree ast = compiled.get(expression);
            if (ast == null) {
                ast = CEL.compile(expression).getAst();
                compiled.put(expression, ast);
            }
            return CEL.createProgram(ast).eval(vars);
        } catch (CelValidationException e) {
            throw new IllegalStateException("CRD rule does not compile: " + expression, e);
        } catch (CelEvaluationException e) {
            // The API server reports a rule that errors as a refusal; surface it so the test shows why.
            return e;
        }
    }

    /** Marks every object the schema does not open with x-kubernetes-preserve-unknown-fields as closed. */
    private static void closeObjects(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            if (object.has("properties")
                    && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
        }
        for (JsonNode child : node) {
            closeObjects(child);
        }
    }

    /** JSON as CEL sees it: objects as maps, integers as int (Long), other numbers as double. */
    private static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(e -> list.add(toCel(e)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isNull()) {
            return com.google.protobuf.NullValue.NULL_VALUE;
        }
        return node.asText();
    }

    private static String fromPointer(String pointer) {
        StringBuilder path = new StringBuilder();
        for (String segment : pointer.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                path.append('[').append(name).append(']');
            } else {
                path.append(path.length() == 0 ? "" : ".").append(name);
            }
        }
        return path.toString();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
