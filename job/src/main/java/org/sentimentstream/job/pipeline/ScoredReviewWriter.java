package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.InputOptions.InputFormat;
import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.udf.SentimentAsyncFunction;
import org.sentimentstream.udf.SentimentResult;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a scored review: the input object (or {@code {"text": ...}} for text input) plus a {@code sentiment}
 * object; key, headers and timestamp as they came. A record whose scoring failed becomes a dead letter.
 */
public class ScoredReviewWriter implements SentimentAsyncFunction.ResultHandler<Review, OutgoingRecord> {

    private static final long serialVersionUID = 1L;

    private final InputFormat format;

    public ScoredReviewWriter(InputFormat format) {
        this.format = format;
    }

    @Override
    public OutgoingRecord onScored(Review review, SentimentResult result) {
        ObjectNode out;
        try {
            out = format == InputFormat.JSON
                    ? (ObjectNode) ReviewParser.JSON.readTree(review.record.value)
                    : ReviewParser.JSON.createObjectNode().put("text", review.text);
            out.set("sentiment", SentimentJson.toJson(result));
            return new OutgoingRecord(false, review.record.timestamp, review.record.key,
                    ReviewParser.JSON.writeValueAsBytes(out), review.record.headerKeys, review.record.headerValues);
        } catch (IOException e) {
            // The parser accepted this value already; failing to re-read it is a bug, not bad input.
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public OutgoingRecord onFailure(Review review, Throwable error) {
        return DeadLetters.of(review.record, DeadLetterReason.SCORING_FAILED, String.valueOf(error));
    }
}
