package org.sentimentstream.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The entry of {@link SentimentAsyncFunction}'s model state: {@code {"model": <announcement>, "since": <epoch ms>}},
 * JSON so that later versions can add fields and still read old savepoints.
 */
final class ActiveModel {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveModel.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActiveModel() {}

    static String toState(ModelAnnouncement model, long sinceMillis) throws IOException {
        ObjectNode entry = JSON.createObjectNode();
        entry.set("model", JSON.valueToTree(model));
        entry.put("since", sinceMillis);
        return JSON.writeValueAsString(entry);
    }

    /** The model of the entry switched to last, or null when there is none (a job that never swapped). */
    static ModelAnnouncement latest(Iterable<String> entries) {
        ModelAnnouncement latest = null;
        long latestSince = 0;
        for (String entry : entries) {
            try {
                JsonNode node = JSON.readTree(entry);
                long since = node.path("since").asLong(0);
                if (since > latestSince) {
                    latest = JSON.treeToValue(node.get("model"), ModelAnnouncement.class);
                    latestSince = since;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Ignoring an unreadable model state entry '{}': {}", entry, e.getMessage());
            }
        }
        return latest;
    }
}
