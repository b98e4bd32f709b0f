package org.sentimentstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.sentimentstream.deploy.tools.SampleProducer;
import org.sentimentstream.job.local.EmbeddedKafkaBroker;
import org.sentimentstream.job.local.SampleReviews;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** The compose stack's producer creates the three topics and writes every sample review and malformed record. */
class SampleProducerTest {

    @Test
    void createsTopicsAndProducesTheSample() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            SampleProducer.main(new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--partitions", "2"});
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                assertThat(admin.listTopics().names().get())
                        .contains("reviews", "reviews-scored", "reviews-dlq");
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                for (int p = 0; p < 2; p++) {
                    ends.put(new TopicPartition("reviews", p), OffsetSpec.latest());
                }
                long total = 0;
                for (var e : admin.listOffsets(ends).all().get().values()) {
                    assertThat(e.offset()).as("both partitions get records").isPositive();
                    total += e.offset();
                }
                assertThat(total).isEqualTo(SampleReviews.loadSampleLines().size()
                        + SampleReviews.malformedRecords().size());
            }
        }
    }
}
