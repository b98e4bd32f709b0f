package org.sentimentstream.job.records;

import org.sentimentstream.job.config.InputOptions.InputFormat;
import org.sentimentstream.job.records.ReviewCodec.InvalidReviewException;
import org.sentimentstream.testing.Bytes;
import org.sentimentstream.udf.SentimentResult;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The codec alone: each reason a value is no review, with a detail that names the problem (whole, before any
 * dead-letter cut), and the exact bytes of a scored output.
 */
class ReviewCodecTest {

    private static final SentimentResult RESULT =
            new SentimentResult(List.of("NEGATIVE", "POSITIVE"), new float[] {-1.5f, 2.25f}, 317, 3, false, "tiny@abc");

    /** {@link #RESULT} as every output writes it. */
    private static final String SENTIMENT = "{\"label\":\"POSITIVE\",\"score\":0.9770226300899744,\"probabilities\":"
            + "{\"NEGATIVE\":0.02297736991002561,\"POSITIVE\":0.9770226300899744},\"logits\":[-1.5,2.25],"
            + "\"tokens\":317,\"windows\":3,\"truncated\":false,\"model\":\"tiny@abc\"}";

    private static final ReviewCodec JSON_REVIEWS = new ReviewCodec(InputFormat.JSON, "text");
    private static final ReviewCodec TEXT_REVIEWS = new ReviewCodec(InputFormat.TEXT, "text");

    static Stream<Arguments> notReviews() {
        return Stream.of(
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.concat(Bytes.utf8("{\"text\": \"caf"), new byte[] {(byte) 0xE9}, Bytes.utf8("\"}")),
                        DeadLetterReason.INVALID_UTF8,
                        "UTF-8"),
                Arguments.of(InputFormat.TEXT, new byte[] {(byte) 0xC3, 0x28}, DeadLetterReason.INVALID_UTF8, "UTF-8"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("{\"text\": \"a\""),
                        DeadLetterReason.INVALID_JSON,
                        "invalid JSON"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("{\"text\":\"a\"} {}"),
                        DeadLetterReason.INVALID_JSON,
                        "invalid JSON"),
                Arguments.of(InputFormat.JSON, null, DeadLetterReason.INVALID_JSON, "empty value"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("[\"text\"]"),
                        DeadLetterReason.NOT_AN_OBJECT,
                        "not a JSON object: array"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("null"),
                        DeadLetterReason.NOT_AN_OBJECT,
                        "not a JSON object: null"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("{\"review\": \"good\"}"),
                        DeadLetterReason.MISSING_TEXT,
                        "no field 'text'"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("{\"text\": null}"),
                        DeadLetterReason.NULL_TEXT,
                        "field 'text' is null"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("{\"text\": {\"en\": \"good\"}}"),
                        DeadLetterReason.NON_STRING_TEXT,
                        "field 'text' is a object, not a string"),
                Arguments.of(
                        InputFormat.JSON,
                        Bytes.utf8("{\"text\": \" \\t\\n\\u3000\"}"),
                        DeadLetterReason.BLANK_TEXT,
                        "field 'text' is empty or blank"),
                Arguments.of(
                        InputFormat.TEXT,
                        Bytes.utf8(" \r\n"),
                        DeadLetterReason.BLANK_TEXT,
                        "the value is empty or blank"),
                Arguments.of(InputFormat.TEXT, null, DeadLetterReason.BLANK_TEXT, "the value is empty or blank"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("notReviews")
    void aValueWithoutAScorableTextIsRefusedWithItsReason(
            InputFormat format, byte[] value, DeadLetterReason reason, String detail) {
        ReviewCodec codec = format == InputFormat.JSON ? JSON_REVIEWS : TEXT_REVIEWS;

        assertThatThrownBy(() -> codec.read(record(value)))
                .isInstanceOfSatisfying(
                        InvalidReviewException.class, e -> assertThat(e.reason).isEqualTo(reason))
                .hasMessageContaining(detail);
    }

    @Test
    void everyReasonButScoringFailedComesFromTheCodec() {
        assertThat(notReviews().map(a -> a.get()[2]).distinct())
                .containsExactlyInAnyOrder(Stream.of(DeadLetterReason.values())
                        .filter(r -> r != DeadLetterReason.SCORING_FAILED)
                        .toArray());
    }

    @Test
    void theTextFieldIsTheOneNamed() throws Exception {
        ReviewCodec codec = new ReviewCodec(InputFormat.JSON, "body.text");

        assertThat(codec.read(record(Bytes.utf8("{\"text\": 1, \"body.text\": \" ok \"}")))
                        .text())
                .isEqualTo(" ok ");
        assertThatThrownBy(() -> codec.read(record(Bytes.utf8("{\"body.text\": 1}"))))
                .hasMessage("field 'body.text' is a number, not a string");
    }

    @Test
    void aScoredReviewIsTheInputObjectWithItsSentimentLast() throws Exception {
        Review review = JSON_REVIEWS.read(record(
                Bytes.utf8("{ \"id\": \"r1\", \"text\": \"caf\\u00e9 \\\"great\\\"\", \"n\": 1.50, \"tags\": [ ] }")));

        assertThat(review.text()).isEqualTo("café \"great\"");
        assertThat(written(ReviewCodec.write(review, RESULT)))
                .isEqualTo("{\"id\":\"r1\",\"text\":\"café \\\"great\\\"\",\"n\":1.5,\"tags\":[],\"sentiment\":"
                        + SENTIMENT + "}");
    }

    @Test
    void aSentimentInTheInputIsReplacedWhereItIs() throws Exception {
        Review review = JSON_REVIEWS.read(record(
                Bytes.utf8("{\"id\":1,\"sentiment\":{\"x\":1},\"text\":\"b\",\"z\":[1,2,{\"sentiment\":null}]}")));

        assertThat(written(ReviewCodec.write(review, RESULT)))
                .isEqualTo(
                        "{\"id\":1,\"sentiment\":" + SENTIMENT + ",\"text\":\"b\",\"z\":[1,2,{\"sentiment\":null}]}");
    }

    @Test
    void aTextValueIsWrittenAsATextField() throws Exception {
        Review review = TEXT_REVIEWS.read(record(Bytes.utf8("quote \" back \\ slash\n")));

        assertThat(review.text()).isEqualTo("quote \" back \\ slash\n");
        assertThat(written(ReviewCodec.write(review, RESULT)))
                .isEqualTo("{\"text\":\"quote \\\" back \\\\ slash\\n\",\"sentiment\":" + SENTIMENT + "}");
    }

    @Test
    void aReviewIsWrittenTheSameFromARecordAndFromItsObject() throws Exception {
        byte[] value = Bytes.utf8("{\"sentiment\":0,\"text\":\"déjà vu \\ud83e\\udd17\",\"id\":[{\"a\":null}]}");
        ObjectNode object = ReviewCodec.parseObject(new String(value, StandardCharsets.UTF_8));

        assertThat(ReviewCodec.write(object, RESULT))
                .isEqualTo(ReviewCodec.write(JSON_REVIEWS.read(record(value)), RESULT));
        assertThat(object.get("sentiment").intValue())
                .as("the input object is not changed")
                .isZero();
    }

    @Test
    void fileScoringErrorRowsKeepTheFields() throws Exception {
        ObjectNode object = ReviewCodec.parseObject("{\"id\":\"x\",\"text\":\" \"}");

        assertThat(written(ReviewCodec.writeError(object, "field 'text' is empty or blank")))
                .isEqualTo("{\"id\":\"x\",\"text\":\" \",\"error\":\"field 'text' is empty or blank\"}");
        assertThat(object.has("error")).isFalse();
    }

    @Test
    void recordTypesArePojosThatFlinkSerializesWithoutKryo() throws Exception {
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);
        for (Class<?> type : List.of(KafkaRecord.class, Review.class, OutgoingRecord.class)) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
        TypeSerializer<Review> serializer = TypeInformation.of(Review.class).createSerializer(noGenericTypes);
        Review review = JSON_REVIEWS.read(new KafkaRecord(
                "in",
                3,
                9L,
                5L,
                Bytes.utf8("k"),
                Bytes.utf8("{\"text\":\"a\"}"),
                List.of(
                        new KafkaRecord.Header("trace", new byte[] {0, (byte) 0xFF}),
                        new KafkaRecord.Header("n", null))));

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(review, out);
        Review back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(ReviewCodec.write(back, RESULT)).isEqualTo(ReviewCodec.write(review, RESULT));
        assertThat(back.record().topic()).isEqualTo("in");
        assertThat(back.record().offset()).isEqualTo(9L);
        assertThat(back.record().key()).isEqualTo(Bytes.utf8("k"));
        assertThat(back.record().headers()).extracting(KafkaRecord.Header::key).containsExactly("trace", "n");
        assertThat(back.record().headers().get(0).value()).containsExactly(0, (byte) 0xFF);
        assertThat(back.record().headers().get(1).value()).isNull();
    }

    private static KafkaRecord record(byte[] value) {
        return new KafkaRecord("reviews", 0, 0L, 0L, null, value, List.of());
    }

    private static String written(byte[] json) throws Exception {
        assertThat(new ObjectMapper().readTree(json).isObject())
                .as("valid JSON")
                .isTrue();
        return new String(json, StandardCharsets.UTF_8);
    }

    @Test
    void aMultiLabelResultAddsItsLabelsAboveTheThresholdAndSigmoidProbabilities() throws Exception {
        SentimentResult multi = SentimentResult.multiLabel(
                List.of("joy", "anger", "fear"), new float[] {2.0f, -1.0f, 0.5f}, 0.5, 900, 16, true, "emo@abc");
        ObjectNode in = new ObjectMapper().createObjectNode().put("text", "yay");
        var sentiment =
                new ObjectMapper().readTree(ReviewCodec.write(in, multi)).get("sentiment");
        List<String> fields = new java.util.ArrayList<>();
        sentiment.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactly(
                        "label",
                        "score",
                        "labels",
                        "probabilities",
                        "logits",
                        "tokens",
                        "windows",
                        "truncated",
                        "model");
        assertThat(sentiment.get("label").asText()).isEqualTo("joy");
        assertThat(sentiment.get("score").asDouble()).isEqualTo(1 / (1 + Math.exp(-2.0)));
        assertThat(sentiment.get("labels").toString()).isEqualTo("[\"joy\",\"fear\"]");
        assertThat(sentiment.get("probabilities").get("anger").asDouble()).isEqualTo(1 / (1 + Math.exp(1.0)));
        assertThat(sentiment.get("probabilities").get("fear").asDouble()).isEqualTo(1 / (1 + Math.exp(-0.5)));
        assertThat(sentiment.get("truncated").asBoolean()).isTrue();
        assertThat(sentiment.get("tokens").asInt()).isEqualTo(900);
        assertThat(sentiment.get("windows").asInt()).isEqualTo(16);
        // a single-label result keeps its eight fields, without labels
        assertThat(new ObjectMapper()
                        .readTree(ReviewCodec.write(in, RESULT))
                        .get("sentiment")
                        .toString())
                .isEqualTo(SENTIMENT);
    }
}
