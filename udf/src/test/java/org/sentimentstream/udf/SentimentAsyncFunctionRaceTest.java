package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.ProxyMetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The result of a record and its timeout race: Flink calls {@code timeout()} on the task thread while the result
 * arrives on the batcher's. Whichever comes first, the record is completed once and counted once. The order is
 * chosen by the test, not left to timing.
 */
class SentimentAsyncFunctionRaceTest {

    private final MetricListener metrics = new MetricListener();
    private SentimentAsyncFunction<String, String> function;

    private static InferenceConfig.Builder config() {
        return InferenceConfig.builder()
                .model(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1);
    }

    private void open(InferenceConfig config) throws Exception {
        function = new SentimentAsyncFunction<>(config, text -> text, new Outcomes());
        function.setRuntimeContext(new MockStreamingRuntimeContext(1, 0) {
            @Override
            public OperatorMetricGroup getMetricGroup() {
                return new ListenedOperatorGroup(metrics.getMetricGroup());
            }
        });
        function.open(DefaultOpenContext.INSTANCE);
    }

    @AfterEach
    void close() throws Exception {
        if (function != null) {
            function.close();
        }
    }

    @Test
    void aTimeoutAfterTheResultChangesNothing() throws Exception {
        open(config().build());
        RecordingFuture record = new RecordingFuture();
        function.asyncInvoke("a gripping, beautifully acted film", record);
        record.awaitFirstCompletion();

        function.timeout("a gripping, beautifully acted film", record); // the timer fired as the result came in

        assertThat(record.completions).containsExactly("scored");
        assertThat(counter("recordsScored")).isEqualTo(1);
        assertThat(counter("errors")).isZero();
    }

    @Test
    void aResultAfterTheTimeoutChangesNothing() throws Exception {
        // The text waits in the queue (a batch of one minute's delay), so that its timeout comes first.
        open(config().set(SentimentOptions.MAX_BATCH_SIZE, 64)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMinutes(1))
                .build());
        RecordingFuture record = new RecordingFuture();
        function.asyncInvoke("dull and far too long", record);
        SentimentScorer scorer = function.scorer();
        assertThat(scorer.queued()).isEqualTo(1);

        function.timeout("dull and far too long", record);
        assertThat(record.completions).containsExactly("failed: TimeoutException");

        function.close(); // scores what is queued: the result arrives, late
        assertThat(scorer.queued()).isZero();
        assertThat(record.completions).containsExactly("failed: TimeoutException");
        assertThat(counter("errors")).isEqualTo(1);
        assertThat(counter("recordsScored")).isZero();
    }

    private long counter(String name) {
        return metrics.getCounter("sentiment", name).map(Counter::getCount).orElseThrow();
    }

    /** Writes what completed a record: its label, or the failure's type. */
    static final class Outcomes implements SentimentAsyncFunction.ResultHandler<String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String onScored(String input, SentimentResult result) {
            return "scored";
        }

        @Override
        public String onFailure(String input, Throwable error) {
            return "failed: " + error.getClass().getSimpleName();
        }
    }

    /** Records every completion, as a test of the rule must see a second one, which Flink would hide. */
    static final class RecordingFuture implements ResultFuture<String> {
        final List<String> completions = java.util.Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch first = new CountDownLatch(1);

        @Override
        public void complete(Collection<String> result) {
            completions.addAll(result);
            first.countDown();
        }

        @Override
        public void completeExceptionally(Throwable error) {
            completions.add("exception: " + error);
            first.countDown();
        }

        @Override
        public void complete(org.apache.flink.streaming.api.functions.async.CollectionSupplier<String> supplier) {
            try {
                complete(supplier.get());
            } catch (Exception e) {
                completeExceptionally(e);
            }
        }

        void awaitFirstCompletion() throws Exception {
            if (!first.await(30, TimeUnit.SECONDS)) {
                throw new TimeoutException("the record was not completed");
            }
        }
    }

    /** The listener's metric group, as the operator metric group the function registers its metrics in. */
    static final class ListenedOperatorGroup extends ProxyMetricGroup<MetricGroup> implements OperatorMetricGroup {
        ListenedOperatorGroup(MetricGroup parent) {
            super(parent);
        }

        @Override
        public OperatorIOMetricGroup getIOMetricGroup() {
            return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
        }
    }
}
