package org.sentimentstream.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Kubernetes manifests into the operator's and fabric8's model classes strictly: an unknown field fails, in the
 * operator's classes (FAIL_ON_UNKNOWN_PROPERTIES, overriding their ignoreUnknown annotations) and in fabric8's,
 * which would otherwise keep it silently in {@code additionalProperties} (a misspelt {@code secretKeyRef} in a pod
 * template, for example).
 */
final class Manifests {

    /**
     * The operator API on Maven Central here is 1.10.0, whose FlinkVersion ends at v1_20; Flink 2 values (v2_0 from
     * operator 1.11, v2_1 from 1.13, ...) are read as null and checked as text by the test. Anything else that is not
     * one of its constants fails, as it would in the operator.
     */
    private static final Pattern FLINK_2 = Pattern.compile("v2_\\d+");

    private Manifests() {}

    static ObjectMapper strictYaml() {
        SimpleModule flinkVersions = new SimpleModule().addDeserializer(FlinkVersion.class, new JsonDeserializer<>() {
            @Override
            public FlinkVersion deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                if (text != null && FLINK_2.matcher(text).matches()) {
                    return null;
                }
                try {
                    return FlinkVersion.valueOf(text);
                } catch (IllegalArgumentException e) {
                    return (FlinkVersion) ctx.handleWeirdStringValue(FlinkVersion.class, text, "not a FlinkVersion");
                }
            }
        });
        return new ObjectMapper(new YAMLFactory())
                .setAnnotationIntrospector(new StrictIntrospector())
                .registerModule(flinkVersions)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    }

    /**
     * The operator's spec classes say {@code @JsonIgnoreProperties(ignoreUnknown = true)}, which would let a misspelt
     * field pass silently: this introspector keeps their ignored names but drops ignoreUnknown.
     */
    private static final class StrictIntrospector extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
            return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
        }
    }

    /** Parses {@code yaml} into {@code type}, failing on any field the model does not know. */
    static <T> T parse(String yaml, Class<T> type) throws IOException {
        T parsed = strictYaml().readValue(yaml, type);
        List<String> unknown = new ArrayList<>();
        collectAdditionalProperties(parsed, "", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
        if (!unknown.isEmpty()) {
            throw new IOException("Unknown fields (kept in fabric8's additionalProperties): " + unknown);
        }
        return parsed;
    }

    static JsonNode tree(String yaml) throws IOException {
        return strictYaml().readTree(yaml);
    }

    /** Walks the model's getters and reports every non-empty additionalProperties of a fabric8/operator object. */
    private static void collectAdditionalProperties(Object o, String path, List<String> unknown, Set<Object> seen) {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                collectAdditionalProperties(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collectAdditionalProperties(v, path + "." + k, unknown, seen));
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("org.apache.flink.kubernetes")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> unknown.add(path + "." + k));
            } else {
                String name = getter.getName().substring(3);
                collectAdditionalProperties(
                        value, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), unknown, seen);
            }
        }
    }
}
