package org.sentimentstream.testcontainers;

import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.embedded.ReadCommittedConsumer;
import org.sentimentstream.embedded.Topics;
import org.sentimentstream.testcontainers.ReviewRecords.Review;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Topics of one test on a broker reached at {@code bootstrapServers}: created, written and read back, by a client
 * with {@code clientProperties} (a secured broker's security settings; none for a plaintext one).
 */
public final class KafkaTopics {

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    public final String input;
    public final String output;
    public final String deadLetters;
    public final String suffix;

    /** A random input, output and dead-letter topic of {@code partitions} partitions each. */
    public KafkaTopics(String bootstrapServers, int partitions) throws Exception {
        this(bootstrapServers, Map.of(), partitions);
    }

    /** As {@link #KafkaTopics(String, int)}, every client of this object with {@code clientProperties}. */
    public KafkaTopics(String bootstrapServers, Map<String, String> clientProperties, int partitions) throws Exception {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
        this.suffix = UUID.randomUUID().toString().substring(0, 8);
        this.input = "reviews-" + suffix;
        this.output = "reviews-scored-" + suffix;
        this.deadLetters = "reviews-dlq-" + suffix;
        try (Admin admin = admin()) {
            Topics.create(admin, Topics.spec(partitions), List.of(input, output, deadLetters));
        }
    }

    private KafkaTopics(KafkaTopics topics, Map<String, String> clientProperties) {
        this.bootstrapServers = topics.bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
        this.suffix = topics.suffix;
        this.input = topics.input;
        this.output = topics.output;
        this.deadLetters = topics.deadLetters;
    }

    /** The same topics, read and written by a client with other properties (e.g. another principal). */
    public KafkaTopics as(Map<String, String> otherClientProperties) {
        return new KafkaTopics(this, otherClientProperties);
    }

    /** An admin client of this object's principal. */
    public Admin admin() {
        return Topics.admin(bootstrapServers, clientProperties);
    }

    /** The kit's producer (acks=all, idempotent), of this object's principal, patient with a busy machine. */
    public KafkaProducer<byte[], byte[]> producer() {
        Map<String, String> p = new HashMap<>(clientProperties);
        // On a busy 2-core machine a request can take long: a timed-out in-flight request makes the idempotent
        // producer reset its sequence numbers, which the broker may reject (OutOfOrderSequenceException).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        return KafkaProducers.bytes(bootstrapServers, p);
    }

    /** Writes the reviews to the input topic, each keyed by its key; returns when all are acknowledged. */
    public void produce(List<Review> reviews) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Review r : reviews) {
                sent.add(send(producer, r));
            }
            producer.flush();
            awaitAcknowledged(sent);
        }
    }

    /**
     * Writes the reviews at about {@code perSecond} (in tenths of a second), so that a stream still flows when a
     * test strikes; {@code sent} counts those handed to the producer. Returns when all are acknowledged.
     */
    public void producePaced(List<Review> reviews, int perSecond, AtomicInteger sent) {
        int chunk = Math.max(1, perSecond / 10);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < reviews.size(); i += chunk) {
                for (Review r : reviews.subList(i, Math.min(i + chunk, reviews.size()))) {
                    acks.add(send(producer, r));
                }
                producer.flush();
                sent.set(Math.min(i + chunk, reviews.size()));
                Thread.sleep(100);
            }
            awaitAcknowledged(acks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("producing the inputs failed", e);
        }
    }

    public Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, Review r) {
        return producer.send(new ProducerRecord<>(input, r.key().getBytes(StandardCharsets.UTF_8), r.value()));
    }

    /** Every send acknowledged: an input that failed to be written would show up as a loss of the job. */
    public static void awaitAcknowledged(List<Future<RecordMetadata>> sent) throws Exception {
        for (Future<RecordMetadata> f : sent) {
            f.get(5, TimeUnit.MINUTES);
        }
    }

    /**
     * Records of a topic as a read_committed consumer sees them, by key: read until {@code expected} arrived or
     * the timeout passed, then for 3 s more, so that anything beyond them (a duplicate) already committed is seen.
     */
    public Map<String, List<ConsumerRecord<byte[], byte[]>>> readCommitted(
            String topic, int expected, Duration timeout) {
        return ReadCommittedConsumer.byKey(ReadCommittedConsumer.readAtLeast(
                bootstrapServers, clientProperties, List.of(topic), expected, timeout, Duration.ofSeconds(3)));
    }

    /** How many records a read_committed consumer can read from the topic now. */
    public int countCommitted(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                ReadCommittedConsumer.fromBeginning(bootstrapServers, clientProperties, List.of(topic))) {
            // The end offset of read_committed is the last stable offset; transaction markers count as offsets,
            // so this overestimates slightly: good enough to decide when to act.
            return (int) consumer.endOffsets(consumer.assignment()).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }
}
