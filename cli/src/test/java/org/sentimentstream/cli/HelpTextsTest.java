package org.sentimentstream.cli;

import org.sentimentstream.testing.HelpTexts;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command of bin/sentiment-stream is described in plain sentences that picocli wraps once. */
class HelpTextsTest {

    @Test
    void commandsOfTheDistributionWrapOnce() {
        StringWriter sink = new StringWriter();
        assertThat(HelpTexts.hardLineBreaks(Main.commandLine(new PrintWriter(sink), new PrintWriter(sink))))
                .isEmpty();
    }
}
