package org.sentimentstream.job.pipeline;

import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.job.config.InputOptions.InputFormat;
import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.job.records.KafkaRecord;
import org.sentimentstream.job.records.KafkaRecord.Header;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.testing.Bytes;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the parser makes of each kind of record value: a review, or a dead letter with the right reason. */
class ReviewParserTest {

    private static final String TOPIC = "reviews-in";

    /** The outcome of one record: exactly one of review and deadLetter is set. */
    private static final class Outcome {
        Review review;
        OutgoingRecord deadLetter;

        String reason() {
            return deadLetter == null ? null : header(deadLetter, DeadLetters.REASON);
        }
    }

    private static Outcome parse(InputFormat format, String textField, byte[] value) throws Exception {
        return parse(
                format,
                textField,
                record(
                        7,
                        42L,
                        1_700_000_000_123L,
                        Bytes.utf8("key-1"),
                        value,
                        List.of(new Header("trace", Bytes.utf8("t-1")))));
    }

    private static Outcome parse(InputFormat format, String textField, KafkaRecord record) throws Exception {
        try (OneInputStreamOperatorTestHarness<KafkaRecord, Review> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new ReviewParser(format, textField))) {
            harness.processElement(record, record.timestamp());
            List<Review> reviews = harness.extractOutputValues();
            List<OutgoingRecord> deadLetters = new ArrayList<>();
            var side = harness.getSideOutput(ReviewParser.DEAD_LETTERS);
            if (side != null) {
                for (StreamRecord<OutgoingRecord> r : side) {
                    deadLetters.add(r.getValue());
                }
            }
            assertThat(reviews.size() + deadLetters.size())
                    .as("one outcome per record")
                    .isEqualTo(1);
            Outcome outcome = new Outcome();
            outcome.review = reviews.isEmpty() ? null : reviews.get(0);
            outcome.deadLetter = deadLetters.isEmpty() ? null : deadLetters.get(0);
            return outcome;
        }
    }

    static Stream<Arguments> invalidJsonValues() {
        List<byte[]> malformed = SampleReviews.malformedRecords();
        return Stream.of(
                // invalid UTF-8
                Arguments.of("sample: invalid UTF-8", malformed.get(0), DeadLetterReason.INVALID_UTF8),
                Arguments.of(
                        "lone continuation byte",
                        Bytes.concat(Bytes.utf8("{\"text\": \"a"), new byte[] {(byte) 0x80}, Bytes.utf8("\"}")),
                        DeadLetterReason.INVALID_UTF8),
                Arguments.of(
                        "overlong encoding of '/'",
                        Bytes.concat(
                                Bytes.utf8("{\"text\": \""), new byte[] {(byte) 0xC0, (byte) 0xAF}, Bytes.utf8("\"}")),
                        DeadLetterReason.INVALID_UTF8),
                Arguments.of(
                        "UTF-16 surrogate encoded in UTF-8",
                        Bytes.concat(
                                Bytes.utf8("{\"text\": \""),
                                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                                Bytes.utf8("\"}")),
                        DeadLetterReason.INVALID_UTF8),
                Arguments.of(
                        "truncated multi-byte sequence at the end",
                        Bytes.concat(Bytes.utf8("{\"text\": \"caf"), new byte[] {(byte) 0xC3}),
                        DeadLetterReason.INVALID_UTF8),
                // invalid JSON
                Arguments.of("sample: unterminated string", malformed.get(1), DeadLetterReason.INVALID_JSON),
                Arguments.of("trailing garbage", Bytes.utf8("{\"text\":\"a\"} x"), DeadLetterReason.INVALID_JSON),
                Arguments.of(
                        "trailing second object",
                        Bytes.utf8("{\"text\":\"a\"} {\"text\":\"b\"}"),
                        DeadLetterReason.INVALID_JSON),
                Arguments.of("plain text", Bytes.utf8("great movie"), DeadLetterReason.INVALID_JSON),
                Arguments.of("single-quoted JSON", Bytes.utf8("{'text': 'a'}"), DeadLetterReason.INVALID_JSON),
                Arguments.of("empty value", new byte[0], DeadLetterReason.INVALID_JSON),
                Arguments.of("whitespace-only value", Bytes.utf8("  \n "), DeadLetterReason.INVALID_JSON),
                Arguments.of("null value (tombstone)", null, DeadLetterReason.INVALID_JSON),
                // JSON that is not an object
                Arguments.of("sample: array", malformed.get(2), DeadLetterReason.NOT_AN_OBJECT),
                Arguments.of("sample: string", malformed.get(3), DeadLetterReason.NOT_AN_OBJECT),
                Arguments.of("number", Bytes.utf8("42"), DeadLetterReason.NOT_AN_OBJECT),
                Arguments.of("JSON null", Bytes.utf8("null"), DeadLetterReason.NOT_AN_OBJECT),
                Arguments.of("boolean", Bytes.utf8("true"), DeadLetterReason.NOT_AN_OBJECT),
                // the text field
                Arguments.of("sample: missing field", malformed.get(4), DeadLetterReason.MISSING_TEXT),
                Arguments.of("empty object", Bytes.utf8("{}"), DeadLetterReason.MISSING_TEXT),
                Arguments.of("field with other case", Bytes.utf8("{\"Text\":\"good\"}"), DeadLetterReason.MISSING_TEXT),
                Arguments.of(
                        "text only nested",
                        Bytes.utf8("{\"review\":{\"text\":\"good\"}}"),
                        DeadLetterReason.MISSING_TEXT),
                Arguments.of("sample: null text", malformed.get(5), DeadLetterReason.NULL_TEXT),
                Arguments.of("sample: number text", malformed.get(6), DeadLetterReason.NON_STRING_TEXT),
                Arguments.of("decimal text", Bytes.utf8("{\"text\": 4.5}"), DeadLetterReason.NON_STRING_TEXT),
                Arguments.of("boolean text", Bytes.utf8("{\"text\": false}"), DeadLetterReason.NON_STRING_TEXT),
                Arguments.of("array text", Bytes.utf8("{\"text\": [\"good\"]}"), DeadLetterReason.NON_STRING_TEXT),
                Arguments.of(
                        "object text", Bytes.utf8("{\"text\": {\"en\": \"good\"}}"), DeadLetterReason.NON_STRING_TEXT),
                Arguments.of("sample: blank text", malformed.get(7), DeadLetterReason.BLANK_TEXT),
                Arguments.of("empty text", Bytes.utf8("{\"text\": \"\"}"), DeadLetterReason.BLANK_TEXT),
                Arguments.of("whitespace text", Bytes.utf8("{\"text\": \" \\t\\n\\r \"}"), DeadLetterReason.BLANK_TEXT),
                Arguments.of(
                        "ideographic space text", Bytes.utf8("{\"text\": \"\u3000\"}"), DeadLetterReason.BLANK_TEXT));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("invalidJsonValues")
    void invalidJsonRecordsAreDeadLettersWithTheirReason(String name, byte[] value, DeadLetterReason reason)
            throws Exception {
        Outcome outcome = parse(InputFormat.JSON, "text", value);

        assertThat(outcome.review).isNull();
        assertThat(outcome.reason()).isEqualTo(reason.name());
        assertThat(outcome.deadLetter.deadLetter()).isTrue();
        assertThat(outcome.deadLetter.value()).as("original value bytes").isEqualTo(value);
        assertThat(header(outcome.deadLetter, DeadLetters.DETAIL))
                .as("a detail that says why")
                .isNotBlank();
    }

    @Test
    void aLeadingByteOrderMarkIsIgnored() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        assertThat(parse(InputFormat.JSON, "text", Bytes.concat(bom, Bytes.utf8("{\"text\": \"good\"}")))
                        .review
                        .text())
                .isEqualTo("good");
        assertThat(parse(InputFormat.TEXT, "text", Bytes.concat(bom, Bytes.utf8("good")))
                        .review
                        .text())
                .isEqualTo("good");
    }

    @Test
    void sampleMalformedRecordsGetTheReasonsTheSampleNames() throws Exception {
        List<byte[]> values = SampleReviews.malformedRecords();
        List<String> named = SampleReviews.malformedRecordReasons();
        assertThat(named).hasSameSizeAs(values);
        for (int i = 0; i < values.size(); i++) {
            assertThat(parse(InputFormat.JSON, "text", values.get(i)).reason())
                    .as("sample malformed record %d", i)
                    .isEqualTo(named.get(i));
        }
    }

    @Test
    void sampleMalformedRecordsCoverEveryParserReason() throws Exception {
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (byte[] value : SampleReviews.malformedRecords()) {
            reasons.merge(parse(InputFormat.JSON, "text", value).reason(), 1, Integer::sum);
        }
        assertThat(reasons)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "INVALID_UTF8",
                        1,
                        "INVALID_JSON",
                        1,
                        "NOT_AN_OBJECT",
                        2,
                        "MISSING_TEXT",
                        1,
                        "NULL_TEXT",
                        1,
                        "NON_STRING_TEXT",
                        1,
                        "BLANK_TEXT",
                        1));
    }

    @Test
    void detailsNameTheProblem() throws Exception {
        assertThat(header(parse(InputFormat.JSON, "text", Bytes.utf8("{\"id\":1}")).deadLetter, DeadLetters.DETAIL))
                .contains("'text'");
        assertThat(header(parse(InputFormat.JSON, "text", Bytes.utf8("[1]")).deadLetter, DeadLetters.DETAIL))
                .contains("array");
        assertThat(header(parse(InputFormat.JSON, "text", Bytes.utf8("{\"text\":7}")).deadLetter, DeadLetters.DETAIL))
                .contains("'text'")
                .contains("number");
        assertThat(header(
                        parse(InputFormat.JSON, "review", Bytes.utf8("{\"text\":\"a\"}")).deadLetter,
                        DeadLetters.DETAIL))
                .contains("'review'");
    }

    @Test
    void validJsonGivesTheReviewWithTheRecordUntouched() throws Exception {
        byte[] value = Bytes.utf8(
                "{\"id\": \"r1\", \"text\": \"caf\\u00e9 \\\"great\\\" \u2014 \ud83d\ude0d\", \"stars\": 5}");
        KafkaRecord record = record(
                3,
                99L,
                1_600_000_000_000L,
                Bytes.utf8("k"),
                value,
                List.of(new Header("trace", Bytes.utf8("1")), new Header("bin", new byte[] {(byte) 0xFF, 0})));

        Outcome outcome = parse(InputFormat.JSON, "text", record);

        assertThat(outcome.deadLetter).isNull();
        assertThat(outcome.review.text()).isEqualTo("café \"great\" \u2014 \ud83d\ude0d");
        assertThat(outcome.review.record().value()).isEqualTo(value);
        assertThat(outcome.review.record().key()).isEqualTo(Bytes.utf8("k"));
        assertThat(outcome.review.record().timestamp()).isEqualTo(1_600_000_000_000L);
        assertThat(outcome.review.record().partition()).isEqualTo(3);
        assertThat(outcome.review.record().offset()).isEqualTo(99L);
        assertThat(outcome.review.record().headers()).extracting(Header::key).containsExactly("trace", "bin");
        assertThat(outcome.review.record().headers().get(1).value()).containsExactly((byte) 0xFF, 0);
    }

    @Test
    void textWithSurroundingWhitespaceIsKeptAsItIs() throws Exception {
        assertThat(parse(InputFormat.JSON, "text", Bytes.utf8("{\"text\": \"  fine \\n\"}"))
                        .review
                        .text())
                .isEqualTo("  fine \n");
    }

    @Test
    void customTextField() throws Exception {
        Outcome ok = parse(InputFormat.JSON, "review", Bytes.utf8("{\"text\": 1, \"review\": \"loved it\"}"));
        assertThat(ok.review.text()).isEqualTo("loved it");

        assertThat(parse(InputFormat.JSON, "review", Bytes.utf8("{\"text\": \"loved it\"}"))
                        .reason())
                .isEqualTo("MISSING_TEXT");
        assertThat(parse(InputFormat.JSON, "review", Bytes.utf8("{\"review\": null}"))
                        .reason())
                .isEqualTo("NULL_TEXT");
        assertThat(parse(InputFormat.JSON, "review", Bytes.utf8("{\"review\": [\"a\"]}"))
                        .reason())
                .isEqualTo("NON_STRING_TEXT");
        assertThat(parse(InputFormat.JSON, "review", Bytes.utf8("{\"review\": \"  \"}"))
                        .reason())
                .isEqualTo("BLANK_TEXT");
        assertThat(parse(InputFormat.JSON, "body.text", Bytes.utf8("{\"body.text\": \"dotted\"}"))
                        .review
                        .text())
                .isEqualTo("dotted");
    }

    @Test
    void textFormatTakesTheWholeValue() throws Exception {
        assertThat(parse(InputFormat.TEXT, "text", Bytes.utf8("a fine film"))
                        .review
                        .text())
                .isEqualTo("a fine film");
        // JSON is just text in TEXT format
        assertThat(parse(InputFormat.TEXT, "text", Bytes.utf8("{\"text\": 42}"))
                        .review
                        .text())
                .isEqualTo("{\"text\": 42}");
        assertThat(parse(InputFormat.TEXT, "text", Bytes.utf8("déjà vu \ud83e\udd17\n"))
                        .review
                        .text())
                .isEqualTo("déjà vu \ud83e\udd17\n");
    }

    @Test
    void textFormatBlankValues() throws Exception {
        assertThat(parse(InputFormat.TEXT, "text", Bytes.utf8("")).reason()).isEqualTo("BLANK_TEXT");
        assertThat(parse(InputFormat.TEXT, "text", Bytes.utf8(" \t\r\n ")).reason())
                .isEqualTo("BLANK_TEXT");
        Outcome tombstone = parse(InputFormat.TEXT, "text", (byte[]) null);
        assertThat(tombstone.reason()).isEqualTo("BLANK_TEXT");
        assertThat(tombstone.deadLetter.value()).isNull();
    }

    @Test
    void textFormatInvalidUtf8() throws Exception {
        byte[] value = Bytes.concat(Bytes.utf8("caf"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF});
        Outcome outcome = parse(InputFormat.TEXT, "text", value);
        assertThat(outcome.reason()).isEqualTo("INVALID_UTF8");
        assertThat(outcome.deadLetter.value()).isEqualTo(value);
    }

    @Test
    void deadLetterKeepsTheRecordAndAddsWhyAndWhere() throws Exception {
        byte[] key = {1, 2, (byte) 0xFE};
        byte[] value = Bytes.utf8("[1,2]");
        KafkaRecord record = record(
                5,
                123_456_789_012L,
                1_650_000_000_456L,
                key,
                value,
                List.of(
                        new Header("trace", Bytes.utf8("a")),
                        new Header("trace", Bytes.utf8("b")),
                        new Header("bin", new byte[] {0, (byte) 0xFF})));

        OutgoingRecord dl = parse(InputFormat.JSON, "text", record).deadLetter;

        assertThat(dl.deadLetter()).isTrue();
        assertThat(dl.key()).isEqualTo(key);
        assertThat(dl.value()).isEqualTo(value);
        assertThat(dl.timestamp()).isEqualTo(1_650_000_000_456L);
        assertThat(dl.headers())
                .extracting(Header::key)
                .containsExactly(
                        "trace",
                        "trace",
                        "bin",
                        DeadLetters.REASON,
                        DeadLetters.DETAIL,
                        DeadLetters.SOURCE_TOPIC,
                        DeadLetters.SOURCE_PARTITION,
                        DeadLetters.SOURCE_OFFSET);
        assertThat(dl.headers().get(0).value()).isEqualTo(Bytes.utf8("a"));
        assertThat(dl.headers().get(1).value()).isEqualTo(Bytes.utf8("b"));
        assertThat(dl.headers().get(2).value()).containsExactly(0, (byte) 0xFF);
        assertThat(header(dl, DeadLetters.REASON)).isEqualTo("NOT_AN_OBJECT");
        assertThat(header(dl, DeadLetters.DETAIL)).contains("array");
        assertThat(header(dl, DeadLetters.SOURCE_TOPIC)).isEqualTo(TOPIC);
        assertThat(header(dl, DeadLetters.SOURCE_PARTITION)).isEqualTo("5");
        assertThat(header(dl, DeadLetters.SOURCE_OFFSET)).isEqualTo("123456789012");
    }

    @Test
    void deadLettersOfBuildsTheRecordDirectly() {
        KafkaRecord record = record(0, 0L, -1L, null, null, new ArrayList<>());

        OutgoingRecord dl = DeadLetters.of(record, DeadLetterReason.SCORING_FAILED, null);

        assertThat(dl.deadLetter()).isTrue();
        assertThat(dl.key()).isNull();
        assertThat(dl.value()).isNull();
        assertThat(dl.timestamp()).isEqualTo(-1L);
        assertThat(dl.headers())
                .extracting(Header::key)
                .containsExactly(
                        DeadLetters.REASON,
                        DeadLetters.DETAIL,
                        DeadLetters.SOURCE_TOPIC,
                        DeadLetters.SOURCE_PARTITION,
                        DeadLetters.SOURCE_OFFSET);
        assertThat(header(dl, DeadLetters.REASON)).isEqualTo("SCORING_FAILED");
        assertThat(header(dl, DeadLetters.DETAIL)).isEmpty();
        assertThat(header(dl, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dl, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        // the input record is not modified
        assertThat(record.headers()).isEmpty();
    }

    @Test
    void longDetailsAreCut() {
        KafkaRecord record = record(0, 1L, 2L, null, Bytes.utf8("x"), List.of());
        String detail = "x".repeat(5000);

        OutgoingRecord dl = DeadLetters.of(record, DeadLetterReason.SCORING_FAILED, detail);

        assertThat(header(dl, DeadLetters.DETAIL)).hasSize(500).isEqualTo(detail.substring(0, 500));
    }

    private static KafkaRecord record(
            int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
        return new KafkaRecord(TOPIC, partition, offset, timestamp, key, value, headers);
    }

    static String header(OutgoingRecord record, String key) {
        String found = null;
        for (Header header : record.headers()) {
            if (header.key().equals(key)) {
                found = new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }
}
