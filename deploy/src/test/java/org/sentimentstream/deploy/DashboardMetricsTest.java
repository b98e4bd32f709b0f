package org.sentimentstream.deploy;

import org.sentimentstream.testing.DashboardMetrics;
import org.sentimentstream.testing.PrometheusScrape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker itself: it finds a misspelt metric, an absent label and a label value that selects nothing. */
class DashboardMetricsTest {

    private static final PrometheusScrape SCRAPE = PrometheusScrape.parse(String.join(
            "\n",
            "# HELP flink_taskmanager_job_task_operator_sentiment_reason_deadLetters deadLetters",
            "# TYPE flink_taskmanager_job_task_operator_sentiment_reason_deadLetters gauge",
            "flink_taskmanager_job_task_operator_sentiment_reason_deadLetters{job_name=\"sentiment_stream\",reason=\"INVALID_JSON\",} 3.0",
            "flink_taskmanager_job_task_operator_sentiment_batchSize{job_name=\"sentiment_stream\",quantile=\"0.5\",} NaN",
            "flink_taskmanager_job_task_operator_sentiment_batchSize_count{job_name=\"sentiment_stream\",} 0.0",
            ""));

    @Test
    void parsesTheExpositionFormat() {
        assertThat(SCRAPE.names())
                .containsExactly(
                        "flink_taskmanager_job_task_operator_sentiment_batchSize",
                        "flink_taskmanager_job_task_operator_sentiment_batchSize_count",
                        "flink_taskmanager_job_task_operator_sentiment_reason_deadLetters");
        assertThat(SCRAPE.sum("flink_taskmanager_job_task_operator_sentiment_reason_deadLetters"))
                .isEqualTo(3.0);
        assertThat(SCRAPE.labelNames("flink_taskmanager_job_task_operator_sentiment_batchSize"))
                .containsExactly("job_name", "quantile");
    }

    @Test
    void acceptsWhatTheScrapeHas(@TempDir Path dir) throws Exception {
        DashboardMetrics dashboard = dashboard(
                dir,
                "sum by (reason) (rate(flink_taskmanager_job_task_operator_sentiment_reason_deadLetters"
                        + "{job_name=~\\\"$job_name\\\", reason=\\\"INVALID_JSON\\\"}[$__rate_interval]))",
                "max by (quantile) (flink_taskmanager_job_task_operator_sentiment_batchSize{quantile=~\\\"0.5|0.99\\\"})");
        assertThat(dashboard.problems(SCRAPE)).isEmpty();
        assertThat(dashboard.metricNames()).hasSize(2);
    }

    @Test
    void reportsWhatTheScrapeLacks(@TempDir Path dir) throws Exception {
        DashboardMetrics dashboard = dashboard(
                dir,
                "sum(flink_taskmanager_job_task_operator_sentiment_deadLetters)",
                "sum by (operator_name) (flink_taskmanager_job_task_operator_sentiment_reason_deadLetters)",
                "sum(flink_taskmanager_job_task_operator_sentiment_reason_deadLetters{reason=\\\"BLANK\\\"})",
                "sum(flink_taskmanager_job_task_operator_sentiment_batchSize{subtask_index=\\\"0\\\"})",
                "vector(1)");
        List<String> problems = dashboard.problems(SCRAPE);
        assertThat(problems).hasSize(5);
        assertThat(problems.get(0)).contains("sentiment_deadLetters is not exported");
        assertThat(problems.get(1)).contains("carries label operator_name");
        assertThat(problems.get(2)).contains("selects no sample");
        assertThat(problems.get(3)).contains("has no label subtask_index");
        assertThat(problems.get(4)).contains("uses no flink_ metric");
    }

    private static DashboardMetrics dashboard(Path dir, String... exprs) throws Exception {
        StringBuilder panels = new StringBuilder();
        for (int i = 0; i < exprs.length; i++) {
            panels.append(i == 0 ? "" : ",")
                    .append("{\"title\":\"p")
                    .append(i)
                    .append("\",\"targets\":[{\"expr\":\"")
                    .append(exprs[i])
                    .append("\"}]}");
        }
        Path file = dir.resolve("dashboard.json");
        Files.writeString(file, "{\"panels\":[{\"type\":\"row\",\"panels\":[" + panels + "]}]}");
        return DashboardMetrics.read(file);
    }
}
