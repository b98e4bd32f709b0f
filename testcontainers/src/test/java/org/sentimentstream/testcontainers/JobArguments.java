package org.sentimentstream.testcontainers;

import java.util.ArrayList;
import java.util.List;

/** The program arguments of the job jar's {@code run} command for one test's topics, as an operator writes them. */
final class JobArguments {

    private JobArguments() {}

    static List<String> run(KafkaTopics topics, String name, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--bootstrap-servers",
                Containers.KAFKA_IN_NETWORK,
                "--input-topic",
                topics.input,
                "--output-topic",
                topics.output,
                "--dlq-topic",
                topics.deadLetters,
                "--group-id",
                name + "-" + topics.suffix,
                "--transactional-id-prefix",
                name + "-" + topics.suffix,
                "--starting-offsets",
                "EARLIEST",
                "--delivery-guarantee",
                "EXACTLY_ONCE",
                "--checkpoint-interval",
                "1 s",
                "--model",
                FlinkSessionCluster.MODEL_DIR));
        args.addAll(List.of(extra));
        return args;
    }
}
