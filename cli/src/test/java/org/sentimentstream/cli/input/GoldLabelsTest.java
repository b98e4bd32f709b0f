package org.sentimentstream.cli.input;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one rule for gold labels, as `local`'s summary and `eval` read them. */
class GoldLabelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sst2LabelsAreReadAsIndexesNamesOrTheirFirstLetters() {
        GoldLabels sst2 = GoldLabels.SST2;
        assertThat(sst2.read(IntNode.valueOf(1))).isEqualTo("POSITIVE");
        assertThat(sst2.read(IntNode.valueOf(0))).isEqualTo("NEGATIVE");
        assertThat(sst2.read(TextNode.valueOf("1"))).isEqualTo("POSITIVE");
        assertThat(sst2.read(TextNode.valueOf(" POSITIVE "))).isEqualTo("POSITIVE");
        assertThat(sst2.read(TextNode.valueOf("pos"))).isEqualTo("POSITIVE");
        assertThat(sst2.read(TextNode.valueOf("Negative"))).isEqualTo("NEGATIVE");
        assertThat(sst2.read(TextNode.valueOf("neg"))).isEqualTo("NEGATIVE");
        assertThat(sst2.read(TextNode.valueOf("0"))).isEqualTo("NEGATIVE");
        assertThat(sst2.read(IntNode.valueOf(2))).isNull();
        assertThat(sst2.read(IntNode.valueOf(5))).isNull();
        assertThat(sst2.read(TextNode.valueOf("neutral"))).isNull();
        assertThat(sst2.read(TextNode.valueOf(""))).isNull();
        assertThat(sst2.read(BooleanNode.TRUE)).isNull();
        assertThat(sst2.read(NullNode.getInstance())).isNull();
        assertThat(sst2.read((com.fasterxml.jackson.databind.JsonNode) null)).isNull();
        assertThat(sst2.read(JSON.createArrayNode().add(1))).isNull();
    }

    @Test
    void aModelsOwnLabelsAreReadByIndexAndName() {
        GoldLabels three = new GoldLabels(List.of("negative", "neutral", "positive"));
        assertThat(three.read("0")).isEqualTo("negative");
        assertThat(three.read("2")).isEqualTo("positive");
        assertThat(three.read("NEUTRAL")).isEqualTo("neutral");
        assertThat(three.read("3")).isNull();
        assertThat(three.read("meh")).isNull();
        // "neg" and "neu" differ in their third letter; "ne" names no label
        assertThat(three.read("neu")).isEqualTo("neutral");
        assertThat(three.read("ne")).isNull();
        assertThat(three.read((String) null)).isNull();
    }

    @Test
    void aPrefixThatTwoLabelsShareNamesNone() {
        GoldLabels alike = new GoldLabels(List.of("posh", "postal"));
        assertThat(alike.read("pos")).isNull();
        assertThat(alike.read("postal")).isEqualTo("postal");
    }
}
