package org.sentimentstream.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until just-created topics can be written. A topic is not writable as soon as it is created: the broker's
 * metadata first does not know it (UNKNOWN_TOPIC_OR_PARTITION), then names a leader a moment before that leader's
 * replica manager has taken the partition on (NOT_LEADER_OR_FOLLOWER). An idempotent producer that writes in that
 * moment can stay stuck on OUT_OF_ORDER_SEQUENCE_NUMBER retries until its delivery timeout; so this waits until every
 * partition's leader answers a request for its log (the latest offset), which it serves only once it leads.
 */
public final class TopicReadiness {

    private TopicReadiness() {}

    /** Returns once every partition of {@code topics} has a leader that serves it; throws after {@code timeout}. */
    public static void await(Admin admin, Collection<String> topics, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        do { // at least one look, however short the timeout
            try {
                if (writable(admin, topics)) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e; // the admin client retries the retriable errors itself, up to the 5 s given here
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(
                "Partitions of " + topics + " are not served by a leader after " + timeout, last);
    }

    private static boolean writable(Admin admin, Collection<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (TopicDescription d : descriptions.values()) {
            for (var p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return false;
                }
                partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            }
        }
        admin.listOffsets(partitions).all().get(5, TimeUnit.SECONDS);
        return descriptions.size() == topics.size();
    }
}
