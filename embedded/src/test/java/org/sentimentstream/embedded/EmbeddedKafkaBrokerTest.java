package org.sentimentstream.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaBrokerTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void readCommittedSeesOnlyCommittedTransactionsAndCloseCleansUp() throws Exception {
        String topic = "embedded-test-" + UUID.randomUUID();
        int brokerPort;
        int controllerPort;
        Path dataDir;

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            brokerPort = kafka.brokerPort();
            controllerPort = kafka.controllerPort();
            dataDir = kafka.dataDir();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + brokerPort);
            assertThat(dataDir).isDirectory();
            assertThat(kafka.startupTime()).isPositive();

            kafka.createTopics(2, topic);

            try (KafkaProducer<String, String> producer = KafkaProducers.strings(
                    kafka.bootstrapServers(),
                    Map.of(
                            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                            "embedded-test-tx-" + UUID.randomUUID(),
                            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            60_000))) {
                producer.initTransactions();

                producer.beginTransaction();
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
                }
                producer.commitTransaction();

                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, "a" + i, "aborted-" + i));
                }
                producer.flush(); // the aborted records really reach the log
                producer.abortTransaction();
            }

            Map<String, Object> consumerProps = kafka.clientProperties();
            consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // Read up to the end offsets (which include the aborted batch and the transaction markers).
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (System.nanoTime() < deadline && !reachedEnd(consumer, end)) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(r.value());
                    }
                }
                assertThat(reachedEnd(consumer, end))
                        .as("consumer reached the end offsets")
                        .isTrue();
                // One more poll: nothing beyond what is already read.
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }

            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                expected.add("committed-" + i);
            }
            assertThat(values).hasSize(100).doesNotHaveDuplicates();
            assertThat(new HashSet<>(values)).isEqualTo(expected);
        }

        assertThat(Files.exists(dataDir)).as("log dir deleted").isFalse();
        assertPortFree(brokerPort);
        assertPortFree(controllerPort);
    }

    /**
     * Right after {@code createTopics} every partition takes writes: the producer's first batches need no retry. A
     * write in the moment between the metadata naming a leader and the leader serving the partition would be
     * retried (NOT_LEADER_OR_FOLLOWER), and left an idempotent producer stuck on OUT_OF_ORDER_SEQUENCE_NUMBER
     * until its delivery timeout.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void createdTopicsTakeWritesAtOnce() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            // idempotent, acks=all (the kit's producer), and fails within the test's time instead of retrying
            try (KafkaProducer<String, String> producer = KafkaProducers.strings(
                    kafka.bootstrapServers(),
                    Map.of(
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000))) {
                for (int round = 0; round < 10; round++) {
                    String topic = "fresh-" + round + "-" + UUID.randomUUID();
                    kafka.createTopics(4, topic);
                    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        sent.add(producer.send(new ProducerRecord<>(topic, i % 4, "k" + i, "v" + i)));
                    }
                    producer.flush();
                    for (var f : sent) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                }
                assertThat(metric(producer, "record-retry-total"))
                        .as("retried records")
                        .isZero();
                assertThat(metric(producer, "record-error-total"))
                        .as("failed records")
                        .isZero();
            }
        }
    }

    private static double metric(KafkaProducer<?, ?> producer, String name) {
        return producer.metrics().entrySet().stream()
                .filter(e ->
                        e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst()
                .orElseThrow();
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
