package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.InputOptions.InputFormat;
import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.job.records.KafkaRecord;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads the review text out of each record. Records that hold no usable text go to {@link #DEAD_LETTERS} with
 * the reason; nothing is dropped.
 */
public class ReviewParser extends ProcessFunction<KafkaRecord, Review> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<OutgoingRecord> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final InputFormat format;
    private final String textField;
    private transient Map<DeadLetterReason, Counter> deadLetterCounters;

    public ReviewParser(InputFormat format, String textField) {
        this.format = format;
        this.textField = textField;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetterCounters = deadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    /** One counter per reason: {@code sentiment.reason.<REASON>.deadLetters}, a labelled metric in Prometheus. */
    static Map<DeadLetterReason, Counter> deadLetterCounters(MetricGroup operatorGroup) {
        Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counters.put(reason,
                    operatorGroup.addGroup("sentiment").addGroup("reason", reason.name()).counter("deadLetters"));
        }
        return counters;
    }

    @Override
    public void processElement(KafkaRecord record, Context ctx, Collector<Review> out) {
        String text;
        try {
            text = textOf(record.value);
        } catch (InvalidReviewException e) {
            deadLetterCounters.get(e.reason).inc();
            ctx.output(DEAD_LETTERS, DeadLetters.of(record, e.reason, e.getMessage()));
            return;
        }
        out.collect(new Review(record, text));
    }

    /** The text of a record value, or the reason it has none. */
    String textOf(byte[] value) throws InvalidReviewException {
        String decoded = withoutByteOrderMark(decodeUtf8(value));
        if (format == InputFormat.TEXT) {
            return requireNotBlank(decoded);
        }
        JsonNode root;
        try {
            root = JSON.readTree(decoded);
        } catch (JsonProcessingException e) {
            throw new InvalidReviewException(DeadLetterReason.INVALID_JSON, e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidReviewException(DeadLetterReason.INVALID_JSON, "empty value");
        }
        if (!root.isObject()) {
            throw new InvalidReviewException(DeadLetterReason.NOT_AN_OBJECT,
                    "expected a JSON object, got " + root.getNodeType().name().toLowerCase());
        }
        JsonNode field = root.get(textField);
        if (field == null) {
            throw new InvalidReviewException(DeadLetterReason.MISSING_TEXT, "no field '" + textField + "'");
        }
        if (field.isNull()) {
            throw new InvalidReviewException(DeadLetterReason.NULL_TEXT, "field '" + textField + "' is null");
        }
        if (!field.isTextual()) {
            throw new InvalidReviewException(DeadLetterReason.NON_STRING_TEXT,
                    "field '" + textField + "' is a " + field.getNodeType().name().toLowerCase() + ", not a string");
        }
        return requireNotBlank(field.asText());
    }

    private static String decodeUtf8(byte[] value) throws InvalidReviewException {
        if (value == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
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

    private static String requireNotBlank(String text) throws InvalidReviewException {
        if (text.isBlank()) {
            throw new InvalidReviewException(DeadLetterReason.BLANK_TEXT, "the review text is empty or blank");
        }
        return text;
    }

    /** A record value without a usable review. */
    static final class InvalidReviewException extends Exception {
        private static final long serialVersionUID = 1L;
        final DeadLetterReason reason;

        InvalidReviewException(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
