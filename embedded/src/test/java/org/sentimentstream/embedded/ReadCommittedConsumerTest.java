package org.sentimentstream.embedded;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadCommittedConsumerTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void readsCommittedRecordsOfEveryPartitionAndNoAbortedOnes() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(2, "a", "b");
            try (KafkaProducer<String, String> producer = KafkaProducers.strings(
                    kafka.bootstrapServers(),
                    Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "rcc-test-" + UUID.randomUUID()))) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 4; i++) {
                    producer.send(new ProducerRecord<>(i % 2 == 0 ? "a" : "b", i % 2, "k" + i, "committed-" + i));
                }
                producer.send(new ProducerRecord<>("a", 0, "k0", "committed-again"));
                producer.send(new ProducerRecord<>("a", 1, null, "no key"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("a", "k9", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
            String bootstrap = kafka.bootstrapServers();

            List<ConsumerRecord<byte[], byte[]>> all =
                    ReadCommittedConsumer.readToEnd(bootstrap, Map.of(), List.of("a", "b"), Duration.ofSeconds(60));
            assertThat(all)
                    .map(ReadCommittedConsumerTest::value)
                    .containsExactlyInAnyOrder(
                            "committed-0", "committed-1", "committed-2", "committed-3", "committed-again", "no key");
            assertThat(all).map(ConsumerRecord::partition).contains(0, 1);

            Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey = ReadCommittedConsumer.byKey(all);
            assertThat(byKey).containsOnlyKeys("k0", "k1", "k2", "k3", "<null key>");
            assertThat(byKey.get("k0"))
                    .map(ReadCommittedConsumerTest::value)
                    .containsExactly("committed-0", "committed-again");

            long t0 = System.nanoTime();
            List<ConsumerRecord<byte[], byte[]>> fromA = ReadCommittedConsumer.readAtLeast(
                    bootstrap, Map.of(), List.of("a"), 2, Duration.ofSeconds(60), Duration.ofSeconds(1));
            // the two expected, and what was committed beyond them
            assertThat(fromA)
                    .map(ReadCommittedConsumerTest::value)
                    .containsExactlyInAnyOrder("committed-0", "committed-2", "committed-again", "no key");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));

            // fewer than expected: returns what there is once the timeout has passed
            assertThat(ReadCommittedConsumer.readAtLeast(
                            bootstrap, Map.of(), List.of("b"), 100, Duration.ofSeconds(2), Duration.ofMillis(100)))
                    .hasSize(2);
            // an end that cannot be reached in time is an error, not a short answer
            assertThatThrownBy(() -> ReadCommittedConsumer.readToEnd(bootstrap, Map.of(), List.of("a"), Duration.ZERO))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("[a]");
        }
    }

    private static String value(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }
}
