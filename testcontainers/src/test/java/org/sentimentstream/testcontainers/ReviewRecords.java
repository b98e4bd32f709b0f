package org.sentimentstream.testcontainers;

import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Input records with what must become of each: JSON reviews whose texts are the tiny model's reference cases
 * (so every output's logits can be checked), with every kind of malformed record spread through.
 */
public final class ReviewRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input: its key and value; the reference its score must match, or the reason it is a dead letter. */
    public record Review(String key, byte[] value, ReferenceCase reference, DeadLetterReason reason) {
        public boolean scored() {
            return reason == null;
        }
    }

    private ReviewRecords() {}

    /**
     * {@code count} records keyed {@code <prefix><i>}; one in {@code badEvery} is malformed, cycling through the
     * sample's malformed records (invalid UTF-8 and JSON, not an object, missing, null, non-string and blank text).
     */
    public static List<Review> generate(String prefix, int count, int badEvery) {
        List<ReferenceCase> cases = TestModels.referenceCases().stream()
                .filter(c -> !c.text.isBlank())
                .toList();
        List<byte[]> malformed = SampleReviews.malformedRecords();
        List<DeadLetterReason> reasons = malformedReasons();
        List<Review> reviews = new ArrayList<>(count);
        int bad = 0;
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            if (i % badEvery == badEvery - 1) {
                int b = bad++ % malformed.size();
                reviews.add(new Review(key, malformed.get(b), null, reasons.get(b)));
            } else {
                ReferenceCase c = cases.get(i % cases.size());
                ObjectNode json = JSON.createObjectNode().put("id", key).put("text", c.text);
                reviews.add(new Review(key, bytes(json), c, null));
            }
        }
        return reviews;
    }

    /** The dead-letter reason of each of {@link SampleReviews#malformedRecords()}, in its order. */
    static List<DeadLetterReason> malformedReasons() {
        return SampleReviews.malformedRecordReasons().stream()
                .map(DeadLetterReason::valueOf)
                .toList();
    }

    private static byte[] bytes(ObjectNode json) {
        try {
            return JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
