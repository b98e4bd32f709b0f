package org.sentimentstream.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a job's scored and dead-letter topics as a {@code read_committed} consumer would, until an expected number
 * of records has arrived; used by the {@code local} command and the benchmarks. Latency is the time from a scored
 * record's timestamp (the producer's) to the moment this reader sees it.
 */
public final class JobOutputReader implements AutoCloseable {

    /** What the caller does with each record; {@code scored} is false for a dead letter. */
    @FunctionalInterface
    public interface Handler {
        void accept(ConsumerRecord<byte[], byte[]> record, boolean scored) throws Exception;
    }

    /** Runs about once a second while waiting; throws to stop waiting (e.g. the job has ended). */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String scoredTopic;
    private final Handler handler;
    private final List<Long> latenciesMs = new ArrayList<>();
    private int scored;
    private int deadLetters;
    private long lastArrivalMs;

    public JobOutputReader(String bootstrapServers, String scoredTopic, String deadLetterTopic, Handler handler) {
        // a fetch returns as soon as a record is there; this only bounds idle polls
        this.consumer = ReadCommittedConsumer.fromBeginning(
                bootstrapServers,
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200"),
                List.of(scoredTopic, deadLetterTopic));
        this.scoredTopic = scoredTopic;
        this.handler = handler;
    }

    /** Polls until {@link #total()} reaches {@code expected}; {@code check} runs about once a second meanwhile. */
    public void await(int expected, Check check) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        long lastCheck = System.currentTimeMillis();
        while (total() < expected) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                long now = System.currentTimeMillis();
                lastArrivalMs = now;
                boolean isScored = r.topic().equals(scoredTopic);
                if (isScored) {
                    scored++;
                    latenciesMs.add(now - r.timestamp());
                } else {
                    deadLetters++;
                }
                handler.accept(r, isScored);
            }
            long now = System.currentTimeMillis();
            if (now - lastCheck >= 1000) {
                lastCheck = now;
                check.run();
            }
            if (now > deadline) {
                throw new IllegalStateException("timed out waiting for output: " + total() + " of " + expected);
            }
        }
    }

    /** Forgets what has been read so far (counts and latencies), e.g. after a warm-up. */
    public void reset() {
        latenciesMs.clear();
        scored = 0;
        deadLetters = 0;
    }

    public int total() {
        return scored + deadLetters;
    }

    public int deadLetters() {
        return deadLetters;
    }

    /** Milliseconds from each scored record's timestamp to its arrival here, in arrival order. */
    public List<Long> latenciesMs() {
        return latenciesMs;
    }

    /** When the last record arrived (epoch milliseconds). */
    public long lastArrivalMs() {
        return lastArrivalMs;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
