package org.sentimentstream.cli.input;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gold labels of an input: the record field that holds them, where they come from (printed with the
 * agreement), and optional parts of the input by id prefix (prefix to name), each with its own agreement. Labels
 * are read by {@link GoldLabels#SST2}.
 */
public record Gold(String field, String source, Map<String, String> parts) {

    public Gold {
        parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    /** True for a positive gold label, false for a negative one, null for a record without one (not compared). */
    public Boolean positiveOf(JsonNode record) {
        String label = GoldLabels.SST2.read(record.get(field));
        return label == null ? null : label.equals("POSITIVE");
    }
}
