package org.sentimentstream.job.records;

import org.sentimentstream.job.config.InputOptions.InputFormat;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Review JSON, read and written in one place for the stream and for file scoring. A review is a JSON object with a
 * scorable text in its text field (or, for TEXT input, a whole UTF-8 value); its output is the input object with a
 * {@code sentiment} object set ({@code {"text": ...}} for TEXT input).
 */
public final class ReviewCodec implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String SENTIMENT = "sentiment";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final InputFormat format;
    private final String textField;

    public ReviewCodec(InputFormat format, String textField) {
        this.format = format;
        this.textField = textField;
    }

    /** The review in a record's value, its output written but for the sentiment. */
    public Review read(KafkaRecord record) throws InvalidReviewException {
        String value = withoutByteOrderMark(decodeUtf8(record.value()));
        if (format == InputFormat.TEXT) {
            String text = requireScorable(value, "the value is empty or blank");
            return review(record, text, JSON.createObjectNode().put("text", text));
        }
        ObjectNode review = parseObject(value);
        return review(record, textOf(review, textField), review);
    }

    /** A JSON object, or why the value is none. */
    public static ObjectNode parseObject(String json) throws InvalidReviewException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidReviewException(DeadLetterReason.INVALID_JSON, "invalid JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidReviewException(DeadLetterReason.INVALID_JSON, "invalid JSON: empty value");
        }
        if (!root.isObject()) {
            throw new InvalidReviewException(
                    DeadLetterReason.NOT_AN_OBJECT,
                    "not a JSON object: " + root.getNodeType().name().toLowerCase());
        }
        return (ObjectNode) root;
    }

    /** The scorable text in {@code field} of a review, or why it has none. */
    public static String textOf(ObjectNode review, String field) throws InvalidReviewException {
        JsonNode text = review.get(field);
        if (text == null) {
            throw new InvalidReviewException(DeadLetterReason.MISSING_TEXT, "no field '" + field + "'");
        }
        if (text.isNull()) {
            throw new InvalidReviewException(DeadLetterReason.NULL_TEXT, "field '" + field + "' is null");
        }
        if (!text.isTextual()) {
            throw new InvalidReviewException(
                    DeadLetterReason.NON_STRING_TEXT,
                    "field '" + field + "' is a " + text.getNodeType().name().toLowerCase() + ", not a string");
        }
        return requireScorable(text.textValue(), "field '" + field + "' is empty or blank");
    }

    /** The scored output of a review read from a record. */
    public static byte[] write(Review review, SentimentResult result) {
        byte[] output = review.output();
        int at = review.sentimentAt();
        byte[] sentiment = bytes(sentiment(result));
        byte[] scored = new byte[output.length + sentiment.length];
        System.arraycopy(output, 0, scored, 0, at);
        System.arraycopy(sentiment, 0, scored, at, sentiment.length);
        System.arraycopy(output, at, scored, at + sentiment.length, output.length - at);
        return scored;
    }

    /** {@code input} with its sentiment, written as the stream writes a record that holds {@code input}. */
    public static byte[] write(ObjectNode input, SentimentResult result) {
        return write(review(null, null, input.deepCopy()), result);
    }

    /** {@code input} with an {@code error} field: file scoring's row without a score. */
    public static byte[] writeError(ObjectNode input, String error) {
        return bytes(input.deepCopy().put("error", error));
    }

    /**
     * Writes {@code input} (taking it over) with its sentiment's value left out, and notes where that goes: where
     * {@code input.set("sentiment", ...)} puts it, in place of a {@code sentiment} the input has, else last.
     */
    private static Review review(KafkaRecord record, String text, ObjectNode input) {
        Gap gap = new Gap();
        byte[] output = bytes(input.set(SENTIMENT, new POJONode(gap)));
        return new Review(record, text, output, gap.at);
    }

    /** Writes no value, and notes the byte offset where it would go. */
    private static final class Gap extends JsonSerializable.Base {
        int at;

        @Override
        public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeRawValue("");
            at = ((ByteArrayBuilder) g.getOutputTarget()).size() + g.getOutputBuffered();
        }

        @Override
        public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer type)
                throws IOException {
            serialize(g, provider);
        }
    }

    /** The {@code sentiment} object of every output. */
    private static ObjectNode sentiment(SentimentResult result) {
        ObjectNode s = JSON.createObjectNode();
        s.put("label", result.label());
        s.put("score", result.score());
        if (result.multiLabel()) {
            var labels = s.putArray("labels");
            result.predictedLabels().forEach(labels::add);
        }
        ObjectNode probabilities = s.putObject("probabilities");
        result.probabilities().forEach(probabilities::put);
        var logits = s.putArray("logits");
        for (float l : result.logits()) {
            logits.add(l);
        }
        s.put("tokens", result.tokens());
        s.put("windows", result.windows());
        s.put("truncated", result.truncated());
        s.put("model", result.model());
        return s;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree in memory to a byte array
        }
    }

    private static String decodeUtf8(byte[] value) throws InvalidReviewException {
        if (value == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidReviewException(DeadLetterReason.INVALID_UTF8, "value is not valid UTF-8: " + e);
        }
    }

    /** Some producers (Windows tools, .NET) start UTF-8 with a byte order mark, which RFC 8259 lets readers ignore. */
    private static String withoutByteOrderMark(String decoded) {
        return decoded.startsWith("\uFEFF") ? decoded.substring(1) : decoded;
    }

    private static String requireScorable(String text, String detail) throws InvalidReviewException {
        if (!SentimentScorer.isScorable(text)) {
            throw new InvalidReviewException(DeadLetterReason.BLANK_TEXT, detail);
        }
        return text;
    }

    /** A value without a scorable review; the message says why. */
    public static final class InvalidReviewException extends Exception {
        private static final long serialVersionUID = 1L;
        public final DeadLetterReason reason;

        InvalidReviewException(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
