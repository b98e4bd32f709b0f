package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The part of {@link SentimentPipeline}'s graph that turns parsed reviews into outcomes (scored records and
 * scoring failures, told apart by {@link OutgoingRecord#deadLetter}); everything around it stays the same. The job
 * uses {@link SentimentPipeline#MICRO_BATCHED}; the benchmarks put a naive per-record scorer here to compare.
 */
@FunctionalInterface
public interface ScoringStage {

    DataStream<OutgoingRecord> score(DataStream<Review> reviews, JobConfig config);
}
