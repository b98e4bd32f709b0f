package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.testing.TinyModel;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SentimentPipelineTest {

    private static final JobConfig CONFIG = JobConfig.of(Map.of(
            "sentiment.bootstrap-servers", "127.0.0.1:9092",
            "sentiment.delivery-guarantee", "AT_LEAST_ONCE",
            "sentiment.model", TinyModel.dir().toString()));

    @Test
    void theJobIsSourceParseAsyncScoringAndTwoSinks() {
        assertThat(operatorNames())
                .containsExactly(
                        "Source: reviews",
                        "parse",
                        "score",
                        "split-failures",
                        "scored-sink: Writer",
                        "scored-sink: Committer",
                        "dead-letter-sink: Writer",
                        "dead-letter-sink: Committer");
    }

    /** The operators of the job graph in the order they were added. */
    private static List<String> operatorNames() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SentimentPipeline.define(env, CONFIG);
        return env.getStreamGraph().getStreamNodes().stream()
                .sorted((a, b) -> Integer.compare(a.getId(), b.getId()))
                .map(StreamNode::getOperatorName)
                .toList();
    }
}
