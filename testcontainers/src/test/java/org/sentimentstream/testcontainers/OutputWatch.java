package org.sentimentstream.testcontainers;

import org.sentimentstream.embedded.Percentiles;
import org.sentimentstream.embedded.ReadCommittedConsumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches a job's committed outputs as they arrive (a read_committed consumer polling in the background), to tell
 * how long output stalled around a fault: the longest time without a newly committed record.
 */
final class OutputWatch implements AutoCloseable {

    private final List<Long> arrivals = new ArrayList<>();
    /** Milliseconds from each output's timestamp (its input's, which the job keeps) to its arrival here. */
    private final List<Long> latenciesMs = new ArrayList<>();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    OutputWatch(KafkaTopics topics) {
        thread = new Thread(
                () -> {
                    try (KafkaConsumer<byte[], byte[]> consumer = ReadCommittedConsumer.fromBeginning(
                            topics.bootstrapServers(),
                            Map.of("reconnect.backoff.max.ms", "1000"),
                            List.of(topics.output, topics.deadLetters))) {
                        while (running.get()) {
                            try {
                                var records = consumer.poll(Duration.ofMillis(200));
                                long now = System.nanoTime();
                                long wall = System.currentTimeMillis();
                                synchronized (arrivals) {
                                    for (ConsumerRecord<byte[], byte[]> r : records) {
                                        arrivals.add(now);
                                        latenciesMs.add(wall - r.timestamp());
                                    }
                                }
                            } catch (RuntimeException e) {
                                // the broker is away: keep polling, the consumer reconnects
                            }
                        }
                    }
                },
                "output-watch");
        thread.setDaemon(true);
        thread.start();
    }

    int count() {
        synchronized (arrivals) {
            return arrivals.size();
        }
    }

    /** The longest time without a new output between {@code fromNanos} and the arrival of output number {@code upTo}. */
    Duration longestStall(long fromNanos, int upTo) {
        synchronized (arrivals) {
            long previous = fromNanos;
            long longest = 0;
            for (int i = 0; i < Math.min(upTo, arrivals.size()); i++) {
                long t = arrivals.get(i);
                if (t >= fromNanos) {
                    longest = Math.max(longest, t - previous);
                    previous = t;
                }
            }
            return Duration.ofNanos(longest);
        }
    }

    /** The 99th percentile of the latencies of outputs number {@code from} (inclusive) onwards; -1 if none. */
    long p99LatencyMs(int from) {
        List<Long> window;
        synchronized (arrivals) {
            window = new ArrayList<>(latenciesMs.subList(Math.min(from, latenciesMs.size()), latenciesMs.size()));
        }
        return window.isEmpty() ? -1 : Percentiles.of(window, 99);
    }

    /** Waits until {@code atLeast} outputs arrived. */
    void awaitCount(int atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count() + " of " + atLeast + " outputs after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
