package org.sentimentstream.udf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ActiveModelTest {

    @Test
    void theModelSwitchedToLastWinsAndTheStartingModelIsNotState() throws Exception {
        ModelAnnouncement a = new ModelAnnouncement("/models/3", null, List.of());
        ModelAnnouncement b = new ModelAnnouncement("s3://bucket/models/4", "ab".repeat(32), List.of("canary"));
        String neverSwapped = ActiveModel.toState(new ModelAnnouncement("/models/1", null, List.of()), 0);

        assertThat(ActiveModel.latest(List.of(ActiveModel.toState(a, 1000), ActiveModel.toState(b, 2000))))
                .isEqualTo(b);
        assertThat(ActiveModel.latest(List.of(ActiveModel.toState(b, 2000), ActiveModel.toState(a, 1000))))
                .isEqualTo(b);
        assertThat(ActiveModel.latest(List.of(neverSwapped, ActiveModel.toState(a, 5))))
                .isEqualTo(a);
        assertThat(ActiveModel.latest(List.of(neverSwapped)))
                .as("never swapped: the command line's")
                .isNull();
        assertThat(ActiveModel.latest(List.of("not json", ActiveModel.toState(a, 5))))
                .isEqualTo(a);
    }

    @Test
    void announcementsReadTheirJsonAndRefuseBadOnes() {
        ModelAnnouncement parsed =
                ModelAnnouncement.fromJson("{\"model\": \"hf:org/model@v2\", \"sha256\": \"" + "c".repeat(64) + "\"}");
        assertThat(parsed.model()).isEqualTo("hf:org/model@v2");
        assertThat(parsed.canary()).isEmpty();
        assertThat(ModelAnnouncement.fromJson(parsed.toJson())).isEqualTo(parsed);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ModelAnnouncement.fromJson("{\"sha\": 1}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a model announcement");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> ModelAnnouncement.fromJson("{\"model\": \"/m\", \"sha256\": \"xyz\"}")))
                .hasMessageContaining("64 hex characters");
    }
}
