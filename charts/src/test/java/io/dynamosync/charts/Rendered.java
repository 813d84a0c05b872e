package io.dynamosync.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The objects {@code helm template} rendered, as Fabric8's model reads them. */
record Rendered(List<HasMetadata> objects) {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    /** Reads helm's output, one object per YAML document; documents holding only comments are skipped. */
    static Rendered parse(String manifests) {
        return new Rendered(Stream.of(DOCUMENT_SEPARATOR.split(manifests))
                .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
                .map(doc -> (HasMetadata) YAML.unmarshal(doc, HasMetadata.class))
                .toList());
    }

    /** The objects of one type. */
    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The objects of a kind, whatever their Java type. */
    List<HasMetadata> kind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    /** The one object of {@code type}, which must be the only one. */
    <T extends HasMetadata> T one(Class<T> type) {
        List<T> all = all(type);
        if (all.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + all.size());
        }
        return all.get(0);
    }
}
