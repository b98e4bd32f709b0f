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
import static org.assertj.core.api.Assertions.catchThrowable;

/** Opening and closing scorers, alone and shared, leaves no thread and no session behind. */
class ScorerLifecycleTest {

    static final String BATCHER_THREAD_PREFIX = "sentiment-batcher";

    private static InferenceConfig.Builder config() {
        return InferenceConfig.builder()
                .model(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1);
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
        assertThat(SessionLease.openSharedScorers()).isZero();
    }

    @Test
    void openScoreCloseThreeTimes() throws Exception {
        TestModels.ReferenceCase reference = TestModels.referenceCases().get(1);
        for (int round = 0; round < 3; round++) {
            SentimentScorer scorer = SentimentScorer.open(config().build());
            try {
                assertThat(scorer.isRunning()).isTrue();
                assertThat(liveBatcherThreads()).containsExactly("sentiment-batcher-" + scorer.modelIdentity());
                ReferenceLogitsTest.assertMatches(
                        reference, scorer.score(reference.text).get(30, TimeUnit.SECONDS));
            } finally {
                scorer.close();
            }
            assertThat(scorer.isRunning()).as("round %s", round).isFalse();
            assertThat(liveBatcherThreads()).as("round %s", round).isEmpty();
        }
    }

    @Test
    void closeDropsWhatIsQueuedAndLaterTextsFail() throws Exception {
        List<TestModels.ReferenceCase> cases = TestModels.referenceCases().subList(0, 20);
        // A long delay and big batches: the texts are still queued when close() starts.
        SentimentScorer scorer = SentimentScorer.open(config().set(SentimentOptions.MAX_BATCH_SIZE, 4096)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 4096 * 128)
                .set(SentimentOptions.MAX_BATCH_DELAY, java.time.Duration.ofMinutes(1))
                .build());
        List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
        for (TestModels.ReferenceCase c : cases) {
            futures.add(scorer.score(c.text));
        }
        assertThat(scorer.queued()).isEqualTo(cases.size());
        scorer.close();
        assertThat(futures)
                .allSatisfy(f -> assertThat(catchThrowable(f::join)).cause().isInstanceOf(ScorerClosedException.class));
        assertThat(catchThrowable(scorer.score("too late")::join)).cause().isInstanceOf(ScorerClosedException.class);
        assertThat(liveBatcherThreads()).isEmpty();
    }

    @Test
    void sharedScorersAreReferenceCounted() throws Exception {
        InferenceConfig config = config().set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                .build();
        SessionLease first = SessionLease.acquire(config, 1);
        SessionLease second = SessionLease.acquire(
                config().set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                        .build(),
                1);
        SentimentScorer scorer = first.scorer();
        try {
            assertThat(second.scorer()).isSameAs(scorer);
            assertThat(SessionLease.openSharedScorers()).isEqualTo(1);
            assertThat(liveBatcherThreads()).hasSize(1);

            first.close();
            first.close(); // closing a lease twice releases it once
            assertThat(first.scorer()).isNull();
            assertThat(scorer.isRunning()).as("one lease left").isTrue();
            assertThat(SessionLease.openSharedScorers()).isEqualTo(1);
            TestModels.ReferenceCase reference = TestModels.referenceCases().get(2);
            ReferenceLogitsTest.assertMatches(
                    reference, second.scorer().score(reference.text).get(30, TimeUnit.SECONDS));
        } finally {
            second.close();
        }
        assertThat(scorer.isRunning()).isFalse();
        assertThat(SessionLease.openSharedScorers()).isZero();
        assertThat(liveBatcherThreads()).isEmpty();

        // A new lease opens a fresh scorer.
        try (SessionLease reopened = SessionLease.acquire(config, 1)) {
            assertThat(reopened.scorer()).isNotSameAs(scorer);
            assertThat(reopened.scorer().isRunning()).isTrue();
        }
        assertThat(SessionLease.openSharedScorers()).isZero();
    }

    @Test
    void differentConfigurationsGetDifferentSharedScorers() throws Exception {
        InferenceConfig a = config().set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                .build();
        InferenceConfig b = config().set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                .set(SentimentOptions.MAX_BATCH_SIZE, 3)
                .build();
        try (SessionLease la = SessionLease.acquire(a, 1)) {
            SentimentScorer sb;
            try (SessionLease lb = SessionLease.acquire(b, 1)) {
                sb = lb.scorer();
                assertThat(sb).isNotSameAs(la.scorer());
                assertThat(SessionLease.openSharedScorers()).isEqualTo(2);
            }
            assertThat(sb.isRunning()).isFalse();
            assertThat(la.scorer().isRunning()).isTrue();
        }
        assertThat(SessionLease.openSharedScorers()).isZero();
    }

    @Test
    void sharedScorersAreKeyedByEveryComponentOfTheConfiguration() {
        InferenceConfig a =
                config().set(SentimentOptions.MODEL_SHA256, "a".repeat(64)).build();
        InferenceConfig b =
                config().set(SentimentOptions.MODEL_SHA256, "b".repeat(64)).build();
        InferenceConfig c =
                config().set(SentimentOptions.MODEL_CACHE_DIR, "/elsewhere").build();
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(java.util.Set.of(
                        a.hashCode(),
                        b.hashCode(),
                        c.hashCode(),
                        config().build().hashCode()))
                .hasSize(4);
    }

    @Test
    void aFailedOpenLeavesNothingBehind() {
        InferenceConfig broken = config().model(
                        TestModels.tinyModelDir().resolve("no-such-dir").toString())
                .set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                .build();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> SessionLease.acquire(broken, 1)))
                .isNotNull();
        assertThat(SessionLease.openSharedScorers()).isZero();
        assertThat(liveBatcherThreads()).isEmpty();
    }
}
