package org.sentimentstream.testcontainers;

import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Malformed and awkward records of many kinds, mixed with valid reviews, each with what must become of it: scored
 * (and whether its text is truncated), or a dead letter with a given reason. Every record carries a
 * {@value #ID_HEADER} header, which outputs keep, so that even records without a key are accounted for.
 */
final class FuzzRecords {

    static final String ID_HEADER = "fuzz.id";
    /** Longer than any model's max sequence length in tokens, and half a Kafka message's default limit. */
    static final int HUGE_TEXT_BYTES = 500 * 1024;

    private static final int NULL_KEYS = 400;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input and its expected fate: {@code reason} null means scored. */
    record Fuzz(
            String id,
            String kind,
            byte[] key,
            byte[] value,
            List<Header> headers,
            DeadLetterReason reason,
            boolean truncated) {
        boolean scored() {
            return reason == null;
        }
    }

    /** A kind of record: how many, how to make the i-th value, what must become of it. */
    private record Kind(
            String name,
            int count,
            Function<Integer, byte[]> value,
            DeadLetterReason reason,
            boolean truncated,
            boolean nullKey,
            int extraHeaders) {}

    private FuzzRecords() {}

    static List<Fuzz> generate(int valid, long seed) {
        Random random = new Random(seed);
        List<ReferenceCase> cases = TestModels.referenceCases().stream()
                .filter(c -> !c.text.isBlank())
                .toList();
        List<byte[]> samples = SampleReviews.malformedRecords();
        List<DeadLetterReason> sampleReasons = ReviewRecords.malformedReasons();
        String hugeText = hugeText(random);
        List<Kind> kinds = List.of(
                new Kind(
                        "random-bytes",
                        2500,
                        i -> randomInvalidUtf8(random),
                        DeadLetterReason.INVALID_UTF8,
                        false,
                        false,
                        0),
                new Kind(
                        "invalid-utf8",
                        1000,
                        i -> concat(
                                utf8("{\"text\": \"caf"),
                                i % 2 == 0 ? new byte[] {(byte) 0xC3} : new byte[] {(byte) 0xC0, (byte) 0xAF},
                                utf8("\"}")),
                        DeadLetterReason.INVALID_UTF8,
                        false,
                        false,
                        0),
                new Kind("empty-value", 800, i -> new byte[0], DeadLetterReason.INVALID_JSON, false, false, 0),
                new Kind("tombstone", 800, i -> null, DeadLetterReason.INVALID_JSON, false, false, 0),
                new Kind(
                        "truncated-json",
                        2000,
                        i -> {
                            byte[] full = utf8("{\"id\": \"t" + i + "\", \"text\": \"a fine film, truly\"}");
                            byte[] cut = new byte[1 + random.nextInt(full.length - 1)];
                            System.arraycopy(full, 0, cut, 0, cut.length);
                            return cut;
                        },
                        DeadLetterReason.INVALID_JSON,
                        false,
                        false,
                        0),
                new Kind(
                        "nesting-5000-deep",
                        300,
                        i -> utf8("{\"text\": \"deep\", \"n\": " + "[".repeat(5000) + "]".repeat(5000) + "}"),
                        DeadLetterReason.INVALID_JSON,
                        false,
                        false,
                        0),
                new Kind("text-500KB", 30, i -> utf8("{\"text\": \"" + hugeText + "\"}"), null, true, false, 0),
                new Kind(
                        "raw-control-characters",
                        800,
                        i -> concat(utf8("{\"text\": \"good"), new byte[] {0, 1, 27}, utf8(" film\"}")),
                        DeadLetterReason.INVALID_JSON,
                        false,
                        false,
                        0),
                new Kind(
                        "escaped-nul-control-bidi",
                        800,
                        i -> utf8(
                                "{\"text\": \"good \\u0000 film \\u0007" + " \u202Eevil\u202C \u200F\u2066x\u2069\"}"),
                        null,
                        false,
                        false,
                        0),
                new Kind(
                        "lone-surrogate-in-utf8",
                        600,
                        i -> concat(
                                utf8("{\"text\": \"bad "),
                                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                                utf8("\"}")),
                        DeadLetterReason.INVALID_UTF8,
                        false,
                        false,
                        0),
                new Kind(
                        "lone-surrogate-escaped",
                        600,
                        i -> utf8("{\"text\": \"bad \\ud83d film \\udc00\"}"),
                        null,
                        false,
                        false,
                        0),
                new Kind(
                        "duplicate-keys",
                        600,
                        i -> utf8("{\"text\": \"awful\", \"text\": \"wonderful film\"}"),
                        null,
                        false,
                        false,
                        0),
                new Kind(
                        "utf8-bom",
                        600,
                        i -> concat(
                                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                                utf8("{\"text\": \"a fine film\"}")),
                        null,
                        false,
                        false,
                        0),
                new Kind(
                        "number-5000-digits",
                        400,
                        i -> utf8("{\"text\": \"ok\", \"n\": " + "9".repeat(5000) + "}"),
                        DeadLetterReason.INVALID_JSON,
                        false,
                        false,
                        0),
                new Kind(
                        "numbers-huge-but-parseable",
                        400,
                        i -> utf8("{\"text\": \"ok\", \"n\": " + "9".repeat(900) + ", \"f\": 1e400, \"g\": -1e-400}"),
                        null,
                        false,
                        false,
                        0),
                new Kind("1000-headers", 200, i -> utf8("{\"text\": \"headers galore\"}"), null, false, false, 1000),
                new Kind("sample-malformed", 800, i -> samples.get(i % samples.size()), null, false, false, 0));
        List<Fuzz> records = new ArrayList<>();
        int n = 0;
        for (Kind kind : kinds) {
            for (int i = 0; i < kind.count; i++) {
                String id = "z" + n++;
                DeadLetterReason reason =
                        kind.name.equals("sample-malformed") ? sampleReasons.get(i % samples.size()) : kind.reason;
                records.add(new Fuzz(
                        id,
                        kind.name,
                        kind.nullKey ? null : utf8(id),
                        kind.value.apply(i),
                        headers(id, kind.extraHeaders),
                        reason,
                        kind.truncated));
            }
        }
        for (int i = 0; i < NULL_KEYS + valid; i++) {
            String id = "z" + n++;
            ReferenceCase c = cases.get(i % cases.size());
            ObjectNode json = JSON.createObjectNode().put("id", id).put("text", c.text);
            boolean nullKey = i < NULL_KEYS;
            records.add(new Fuzz(
                    id,
                    nullKey ? "null-key" : "valid",
                    nullKey ? null : utf8(id),
                    utf8(json.toString()),
                    headers(id, 0),
                    null,
                    // read whole in windows (the default long-text): the reference's 128-token cut is not the job's
                    false));
        }
        Collections.shuffle(records, random);
        return records;
    }

    static long kinds(List<Fuzz> records) {
        return records.stream()
                .map(Fuzz::kind)
                .filter(k -> !k.equals("valid"))
                .distinct()
                .count();
    }

    private static List<Header> headers(String id, int extra) {
        List<Header> headers = new ArrayList<>();
        headers.add(new RecordHeader(ID_HEADER, utf8(id)));
        for (int i = 0; i < extra; i++) {
            // every tenth without a value: Kafka allows null header values
            headers.add(new RecordHeader("h" + i, i % 10 == 0 ? null : utf8("v" + i)));
        }
        return headers;
    }

    private static byte[] randomInvalidUtf8(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        bytes[random.nextInt(bytes.length)] = (byte) 0xFF; // never valid in UTF-8
        return bytes;
    }

    private static String hugeText(Random random) {
        String[] words = {"great", "film", "awful", "plot", "acting", "boring", "superb", "the", "a", "was"};
        StringBuilder text = new StringBuilder(HUGE_TEXT_BYTES + 16);
        while (text.length() < HUGE_TEXT_BYTES) {
            text.append(words[random.nextInt(words.length)]).append(' ');
        }
        return text.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
