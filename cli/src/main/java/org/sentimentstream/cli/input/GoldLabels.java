package org.sentimentstream.cli.input;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;

/**
 * The one rule for reading a gold label from a user's file against a model's labels: an index into the labels
 * ({@code 0}, {@code 1}, as a number or a string), a label's name in any case ({@code positive}), or the first three
 * letters of exactly one label's name ({@code pos}, {@code neg}). Anything else is not a label and is not compared.
 */
public final class GoldLabels {

    /** SST-2's labels, in its index order: what the project's sample and SST-2 style files mean by 0 and 1. */
    public static final GoldLabels SST2 = new GoldLabels(List.of("NEGATIVE", "POSITIVE"));

    /** How a label is read, as summaries and help print it. */
    public static final String READING = "an index into the model's labels (0, 1), a label's name in any case, or its"
            + " first three letters (pos, neg)";

    private final List<String> labels;

    public GoldLabels(List<String> labels) {
        this.labels = List.copyOf(labels);
    }

    /** The label {@code value} names, or null when it names none. */
    public String read(JsonNode value) {
        if (value == null || value.isNull() || value.isContainerNode() || value.isBoolean()) {
            return null;
        }
        return read(value.asText());
    }

    /** The label {@code raw} names, or null when it names none. */
    public String read(String raw) {
        if (raw == null) {
            return null;
        }
        String v = raw.trim();
        if (v.matches("\\d{1,9}")) {
            int i = Integer.parseInt(v);
            return i < labels.size() ? labels.get(i) : null;
        }
        String match = null;
        for (String label : labels) {
            if (label.equalsIgnoreCase(v)) {
                return label;
            }
            if (v.length() == 3 && label.toLowerCase(Locale.ROOT).startsWith(v.toLowerCase(Locale.ROOT))) {
                if (match != null) {
                    return null; // two labels start alike: ambiguous
                }
                match = label;
            }
        }
        return match;
    }
}
