package org.sentimentstream.embedded;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaProducersTest {

    @Test
    void allAcksIdempotenceAndFiveMillisecondBatchesUnlessOverridden() {
        assertThat(KafkaProducers.properties("h:9092", Map.of()))
                .containsExactly(
                        Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "h:9092"),
                        Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                        Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
                        Map.entry(ProducerConfig.LINGER_MS_CONFIG, "5"));

        Properties security = new Properties();
        security.put("security.protocol", "SASL_SSL");
        security.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        Map<String, Object> p = KafkaProducers.properties("h:9092", security);
        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put("client.id", "x"); // a new mutable map each call
        assertThat(KafkaProducers.properties("h:9092", Map.of())).doesNotContainKey("client.id");
    }
}
