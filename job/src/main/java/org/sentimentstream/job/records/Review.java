package org.sentimentstream.job.records;

/** A record whose value held a valid review: the original record and the text to score. A Flink POJO. */
public class Review {

    public KafkaRecord record;
    public String text;

    public Review() {}

    public Review(KafkaRecord record, String text) {
        this.record = record;
        this.text = text;
    }
}
