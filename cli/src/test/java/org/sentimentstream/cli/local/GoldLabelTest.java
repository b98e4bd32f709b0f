package org.sentimentstream.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the summary reads a gold label: 1/positive/pos, 0/negative/neg, and nothing else. */
class GoldLabelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void goldLabelsAreReadExplicitly() {
        assertThat(LocalSummary.Gold.positive(IntNode.valueOf(1))).isTrue();
        assertThat(LocalSummary.Gold.positive(IntNode.valueOf(0))).isFalse();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf("1"))).isTrue();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf(" POSITIVE "))).isTrue();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf("pos"))).isTrue();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf("Negative"))).isFalse();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf("neg"))).isFalse();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf("0"))).isFalse();
        assertThat(LocalSummary.Gold.positive(IntNode.valueOf(2))).isNull();
        assertThat(LocalSummary.Gold.positive(IntNode.valueOf(5))).isNull();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf("neutral"))).isNull();
        assertThat(LocalSummary.Gold.positive(TextNode.valueOf(""))).isNull();
        assertThat(LocalSummary.Gold.positive(BooleanNode.TRUE)).isNull();
        assertThat(LocalSummary.Gold.positive(NullNode.getInstance())).isNull();
        assertThat(LocalSummary.Gold.positive(null)).isNull();
        assertThat(LocalSummary.Gold.positive(JSON.createArrayNode().add(1))).isNull();
    }
}
