package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Opening and closing scorers, alone and shared, leaves no thread and no session behind. */
class ScorerLifecycleTest {

    static final String BATCHER_THREAD_PREFIX = "sentiment-batcher";

    private static InferenceConfig.Builder config() {
        return InferenceConfig.builder().model(TestModels.tinyModelDir().toString()).intraOpThreads(1);
    }

    static List<String> liveBatcherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(BATCHER_THREAD_PREFIX))
                .map(Thread::getName)
                .collect(Collectors.toList());
    }

    @BeforeEach
    @AfterEach
    void noScorerIsOpen() {
        assertThat(liveBatcherThreads()).isEmpty();
        assertThat(SharedScorers.openScorers()).isZero();
    }

    @Test
    void openScoreCloseThreeTimes() throws Exception {
        TestModels.ReferenceCase reference = TestModels.referenceCases().get(1);
        for (int round = 0; round < 3; round++) {
            SentimentScorer scorer = SentimentScorer.open(config().build());
            try {
                assertThat(scorer.isRunning()).isTrue();
                assertThat(liveBatcherThreads()).containsExactly("sentiment-batcher-" + scorer.modelIdentity());
                ReferenceLogitsTest.assertMatches(reference, scorer.score(reference.text).get(30, TimeUnit.SECONDS));
            } finally {
                scorer.close();
            }
            assertThat(scorer.isRunning()).as("round %s", round).isFalse();
            assertThat(liveBatcherThreads()).as("round %s", round).isEmpty();
        }
    }

    @Test
    void closeScoresWhatIsQueuedAndLaterTextsFail() throws Exception {
        List<TestModels.ReferenceCase> cases = TestModels.referenceCases().subList(0, 20);
        // A long delay and big batches: the texts are still queued when close() starts.
        SentimentScorer scorer = SentimentScorer.open(config().maxBatchSize(4096).maxBatchTokens(4096 * 128)
                .maxBatchDelay(java.time.Duration.ofMinutes(1)).build());
        List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
        for (TestModels.ReferenceCase c : cases) {
            futures.add(scorer.score(c.text));
        }
        assertThat(scorer.queued()).isEqualTo(cases.size());
        scorer.close();
        for (int i = 0; i < cases.size(); i++) {
            assertThat(futures.get(i)).isDone();
            ReferenceLogitsTest.assertMatches(cases.get(i), futures.get(i).getNow(null));
        }
        assertThat(scorer.score("too late")).isCompletedExceptionally();
        assertThat(liveBatcherThreads()).isEmpty();
    }

    @Test
    void sharedScorersAreReferenceCounted() throws Exception {
        InferenceConfig config = config().sessionSharing(SentimentOptions.SessionSharing.SHARED).build();
        SentimentScorer first = SharedScorers.acquire(config, 1);
        SentimentScorer second = SharedScorers.acquire(InferenceConfig.fromConfiguration(config.toConfiguration()), 1);
        try {
            assertThat(second).isSameAs(first);
            assertThat(SharedScorers.openScorers()).isEqualTo(1);
            assertThat(liveBatcherThreads()).hasSize(1);

            SharedScorers.release(config);
            assertThat(first.isRunning()).as("one reference left").isTrue();
            assertThat(SharedScorers.openScorers()).isEqualTo(1);
            TestModels.ReferenceCase reference = TestModels.referenceCases().get(2);
            ReferenceLogitsTest.assertMatches(reference, second.score(reference.text).get(30, TimeUnit.SECONDS));
        } finally {
            SharedScorers.release(config);
        }
        assertThat(first.isRunning()).isFalse();
        assertThat(SharedScorers.openScorers()).isZero();
        assertThat(liveBatcherThreads()).isEmpty();

        // Releasing more often than acquired does nothing; a new acquire opens a fresh scorer.
        SharedScorers.release(config);
        SentimentScorer reopened = SharedScorers.acquire(config, 1);
        try {
            assertThat(reopened).isNotSameAs(first);
            assertThat(reopened.isRunning()).isTrue();
        } finally {
            SharedScorers.release(config);
        }
        assertThat(reopened.isRunning()).isFalse();
    }

    @Test
    void differentConfigurationsGetDifferentSharedScorers() throws Exception {
        InferenceConfig a = config().sessionSharing(SentimentOptions.SessionSharing.SHARED).build();
        InferenceConfig b = a.toBuilder().maxBatchSize(3).build();
        SentimentScorer sa = SharedScorers.acquire(a, 1);
        SentimentScorer sb;
        try {
            sb = SharedScorers.acquire(b, 1);
            try {
                assertThat(sb).isNotSameAs(sa);
                assertThat(SharedScorers.openScorers()).isEqualTo(2);
            } finally {
                SharedScorers.release(b);
            }
            assertThat(sb.isRunning()).isFalse();
            assertThat(sa.isRunning()).isTrue();
        } finally {
            SharedScorers.release(a);
        }
        assertThat(sa.isRunning()).isFalse();
    }

    @Test
    void aFailedOpenLeavesNothingBehind() {
        InferenceConfig broken = config().model(TestModels.tinyModelDir().resolve("no-such-dir").toString())
                .sessionSharing(SentimentOptions.SessionSharing.SHARED).build();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> SharedScorers.acquire(broken, 1)))
                .isNotNull();
        assertThat(SharedScorers.openScorers()).isZero();
        assertThat(liveBatcherThreads()).isEmpty();
    }
}
