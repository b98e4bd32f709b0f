package org.sentimentstream.udf;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.annotation.PublicEvolving;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * A model a running job should score with from now on: where it is (a directory, {@code hf:<repo>[@revision]} or a
 * file system URI, as {@link SentimentOptions#MODEL}), the sha256 of its {@code model.onnx} when known, and the
 * canary texts it must score with finite results before it takes over (empty: a default set). Its JSON form is what
 * the control topic carries: {@code {"model": "...", "sha256": "...", "canary": ["..."]}}.
 */
@PublicEvolving
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ModelAnnouncement(
        @JsonProperty("model") String model,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("canary") List<String> canary)
        implements Serializable {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ModelAnnouncement {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a model announcement needs a \"model\"");
        }
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("\"sha256\" must be 64 hex characters, was '" + sha256 + "'");
        }
        canary = canary == null ? List.of() : List.copyOf(canary);
    }

    /** The model of a configuration, as the job started with it. */
    public static ModelAnnouncement of(InferenceConfig config) {
        return new ModelAnnouncement(config.model(), config.modelSha256(), List.of());
    }

    /** Parses the JSON form; a malformed one fails with an {@link IllegalArgumentException} that says why. */
    public static ModelAnnouncement fromJson(String json) {
        try {
            return JSON.readValue(json, ModelAnnouncement.class);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException("not a model announcement: " + cause.getMessage(), e);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether two announcements name the same model (canary texts aside). */
    public boolean sameModel(ModelAnnouncement other) {
        return other != null
                && model.equals(other.model)
                && (sha256 == null ? other.sha256 == null : sha256.equalsIgnoreCase(other.sha256));
    }
}
