package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.job.records.KafkaRecord;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.job.records.ReviewCodec;
import org.sentimentstream.udf.SentimentAsyncFunction;
import org.sentimentstream.udf.SentimentResult;

/**
 * Writes a scored review with the key, headers and timestamp it came with. A record whose scoring failed becomes a
 * dead letter.
 */
public class ScoredReviewWriter implements SentimentAsyncFunction.ResultHandler<Review, OutgoingRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public OutgoingRecord onScored(Review review, SentimentResult result) {
        KafkaRecord record = review.record();
        return new OutgoingRecord(
                false, record.timestamp(), record.key(), ReviewCodec.write(review, result), record.headers());
    }

    @Override
    public OutgoingRecord onFailure(Review review, Throwable error) {
        return DeadLetters.of(review.record(), DeadLetterReason.SCORING_FAILED, String.valueOf(error));
    }
}
