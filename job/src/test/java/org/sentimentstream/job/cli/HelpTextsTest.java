package org.sentimentstream.job.cli;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.testing.HelpTexts;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Descriptions are wrapped once, by whoever shows them (picocli's --help, the Markdown tables): the options' and the
 * commands' descriptions hold no hand-made line breaks.
 */
class HelpTextsTest {

    @Test
    void optionDescriptionsArePlainSentences() {
        List<String> problems = new ArrayList<>();
        for (ConfigOption<?> option : JobConfig.allOptions()) {
            for (BlockElement block : option.description().getBlocks()) {
                if (!(block instanceof TextElement text)) {
                    problems.add(option.key() + ": a " + block.getClass().getSimpleName());
                } else if (HelpTexts.hasLineBreak(text.getFormat())) {
                    problems.add(option.key() + ": a line break in \"" + text.getFormat() + "\"");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void commandsOfTheJobJarWrapOnce() {
        StringWriter sink = new StringWriter();
        assertThat(HelpTexts.hardLineBreaks(Main.commandLine(new PrintWriter(sink), new PrintWriter(sink))))
                .isEmpty();
    }
}
