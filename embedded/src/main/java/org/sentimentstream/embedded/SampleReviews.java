package org.sentimentstream.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo input of the {@code local} command: reviews that no shipped model was trained on (the 872 sentences of the GLUE
 * SST-2 dev set, 40 longer reviews written for the demo and 100 real IMDB reviews, most of them longer than one
 * 128-token sequence), plus records that must go to the dead letters.
 */
public final class SampleReviews {

    /** Classpath resource: one JSON object per line, see {@code sample/SOURCE.md}. */
    public static final String SAMPLE_RESOURCE = "/sample/reviews.jsonl";

    /** Id prefix of the SST-2 dev sentences: {@code sst2-dev-<line number in dev.tsv, header = line 1>}. */
    public static final String SST2_DEV_ID_PREFIX = "sst2-dev-";

    /** Id prefix of the longer reviews written and labelled for the demo: {@code long-01} ... */
    public static final String LONG_ID_PREFIX = "long-";

    /** Id prefix of the IMDB reviews (train split of the Large Movie Review Dataset): {@code imdb-train-pos-1280_10} ... */
    public static final String IMDB_ID_PREFIX = "imdb-";

    /** The field of the sample's gold labels (1 positive, 0 negative). */
    public static final String GOLD_FIELD = "label";

    /** Where the sample's gold labels come from, as the summary names it. */
    public static final String GOLD_SOURCE = "SST-2 dev (GLUE, human labels), 40 longer reviews written and"
            + " labelled for this demo by the project, and 100 IMDB reviews (train split of Maas et al. 2011, labelled"
            + " by their reviewers' ratings); none of them in the training data of the shipped model or of"
            + " DistilBERT SST-2";

    /** The parts of the sample by id prefix, each with its agreement line in the summary. */
    public static final Map<String, String> GOLD_PARTS = parts();

    private static Map<String, String> parts() {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put(SST2_DEV_ID_PREFIX, "SST-2 dev");
        parts.put(LONG_ID_PREFIX, "longer reviews");
        parts.put(IMDB_ID_PREFIX, "IMDB reviews");
        return Collections.unmodifiableMap(parts);
    }

    private SampleReviews() {}

    /**
     * The lines of {@link #SAMPLE_RESOURCE} as they are (UTF-8), e.g.
     * {@code {"id": "sst2-dev-2", "text": "...", "label": 1}}; blank lines are skipped.
     */
    public static List<String> loadSampleLines() {
        InputStream in = SampleReviews.class.getResourceAsStream(SAMPLE_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("Missing classpath resource " + SAMPLE_RESOURCE);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + SAMPLE_RESOURCE, e);
        }
    }

    /**
     * Record values that are not valid reviews, one or more per dead-letter reason, in this order: invalid
     * UTF-8, invalid JSON, JSON that is not an object (an array, a string), no {@code text} field, null
     * {@code text}, non-string {@code text}, blank {@code text}. A new list each call.
     */
    public static List<byte[]> malformedRecords() {
        return List.of(
                // invalid UTF-8: 0xC3 starts a two-byte sequence, 0x28 ('(') cannot continue it; lone 0xFF
                concat(utf8("{\"text\": \"caf"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF}, utf8("\"}")),
                utf8("{\"text\": \"unterminated"),
                utf8("[1,2]"),
                utf8("\"just a string\""),
                utf8("{\"id\":\"x\"}"),
                utf8("{\"text\":null}"),
                utf8("{\"text\": 42}"),
                utf8("{\"text\": \"   \"}"));
    }

    /**
     * The dead-letter reason the job gives each of {@link #malformedRecords()}, in its order, by the name of the
     * job's {@code DeadLetterReason} (this module cannot see that enum).
     */
    public static List<String> malformedRecordReasons() {
        return List.of(
                "INVALID_UTF8",
                "INVALID_JSON",
                "NOT_AN_OBJECT",
                "NOT_AN_OBJECT",
                "MISSING_TEXT",
                "NULL_TEXT",
                "NON_STRING_TEXT",
                "BLANK_TEXT");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
