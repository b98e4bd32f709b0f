package org.sentimentstream.job.records;

/**
 * A record whose value held a valid review: the original record, the text to score, and its output already
 * written but for the {@code sentiment} value, which goes at byte {@code sentimentAt} of {@code output}. Carrying
 * the written output, not the parsed JSON tree, keeps each record parsed once and the type a plain Flink POJO.
 */
public record Review(KafkaRecord record, String text, byte[] output, int sentimentAt) {}
