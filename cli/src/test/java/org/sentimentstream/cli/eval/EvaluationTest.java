package org.sentimentstream.cli.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The arithmetic of eval on a hand-counted set of predictions. */
class EvaluationTest {

    private static final List<String> LABELS = List.of("NEGATIVE", "POSITIVE");

    @Test
    void accuracyConfusionPrecisionRecallAndF1() {
        Evaluation e = new Evaluation(LABELS);
        // gold NEGATIVE: 3 right, 1 wrong; gold POSITIVE: 4 right, 2 wrong
        for (int i = 0; i < 3; i++) {
            e.add(new Evaluation.Example("n" + i, "NEGATIVE", "NEGATIVE", 0.9, 1));
        }
        e.add(new Evaluation.Example("n-wrong", "NEGATIVE", "POSITIVE", 0.99, 5));
        for (int i = 0; i < 4; i++) {
            e.add(new Evaluation.Example("p" + i, "POSITIVE", "POSITIVE", 0.8, 2));
        }
        e.add(new Evaluation.Example("p-wrong-1", "POSITIVE", "NEGATIVE", 0.7, 9));
        e.add(new Evaluation.Example("p-wrong-2", "POSITIVE", "NEGATIVE", 0.6, 3));

        assertThat(e.size()).isEqualTo(10);
        assertThat(e.accuracy()).isEqualTo(0.7);
        assertThat(e.confusion()).isDeepEqualTo(new long[][] {{3, 1}, {2, 4}});
        // NEGATIVE: predicted 5 times, 3 right; 4 gold, 3 found
        assertThat(e.precision("NEGATIVE")).isCloseTo(3 / 5.0, within(1e-12));
        assertThat(e.recall("NEGATIVE")).isCloseTo(3 / 4.0, within(1e-12));
        assertThat(e.f1("NEGATIVE")).isCloseTo(2 * 0.6 * 0.75 / 1.35, within(1e-12));
        // POSITIVE: predicted 5 times, 4 right; 6 gold, 4 found
        assertThat(e.precision("POSITIVE")).isCloseTo(4 / 5.0, within(1e-12));
        assertThat(e.recall("POSITIVE")).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(e.mostConfidentlyWrong(2)).extracting(x -> x.text()).containsExactly("n-wrong", "p-wrong-1");
        assertThat(e.slowest(1)).extracting(x -> x.text()).containsExactly("p-wrong-1");
        assertThat(e.toMarkdown("m", "d"))
                .contains("**accuracy: 0.7000**", "| NEGATIVE | 3 | 1 |", "| POSITIVE | 2 | 4 |");
        assertThat(e.toJson("m", "d")
                        .get("confusion")
                        .get("POSITIVE")
                        .get("NEGATIVE")
                        .asLong())
                .isEqualTo(2);
    }
}
