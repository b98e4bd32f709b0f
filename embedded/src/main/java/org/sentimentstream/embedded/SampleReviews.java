package org.sentimentstream.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Demo input of the {@code local} command: real review phrases plus records that must go to the dead letters. */
public final class SampleReviews {

    /** Classpath resource: one JSON object per line, see {@code sample/SOURCE.md}. */
    public static final String SAMPLE_RESOURCE = "/sample/reviews.jsonl";

    private SampleReviews() {}

    /**
     * The lines of {@link #SAMPLE_RESOURCE} as they are (UTF-8), e.g.
     * {@code {"id": "sst2-train-6", "text": "...", "label": 0}}; blank lines are skipped.
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
