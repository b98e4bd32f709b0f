package org.sentimentstream.testing;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Help texts that picocli wraps once: a description is plain sentences, never wrapped by hand. A command's
 * description may have several paragraphs (one array element each), but each must be whole, ending like a sentence;
 * an option's description is one paragraph. No element may break a line ({@code \n} or {@code %n}) between its
 * words; a break before or after a whole paragraph (picocli's own help command has them) only spaces paragraphs.
 */
public final class HelpTexts {

    private HelpTexts() {}

    /** Every description of the command line and its subcommands, at any depth, that breaks a line by hand. */
    public static List<String> hardLineBreaks(CommandLine commandLine) {
        List<String> problems = new ArrayList<>();
        collect(commandLine, problems);
        return problems;
    }

    /** Whether a text breaks a line: a line feed, a carriage return, or picocli's {@code %n}. */
    public static boolean hasLineBreak(String text) {
        return text.contains("\n") || text.contains("\r") || text.contains("%n");
    }

    private static void collect(CommandLine commandLine, List<String> problems) {
        CommandSpec spec = commandLine.getCommandSpec();
        String name = spec.qualifiedName();
        String[] paragraphs = spec.usageMessage().description();
        for (String description : paragraphs) {
            String paragraph = description.replaceAll("^(%n|\\R)+|(%n|\\R)+$", "");
            if (hasLineBreak(paragraph)) {
                problems.add(name + ": a line break in \"" + paragraph + "\"");
            } else if (!paragraph.strip().matches("(?s).*[.:!?]$")) {
                problems.add(name + ": a paragraph that ends mid-sentence, \"" + paragraph + "\"");
            }
        }
        for (OptionSpec option : spec.options()) {
            check(name + " " + option.longestName(), option.description(), problems);
        }
        for (PositionalParamSpec parameter : spec.positionalParameters()) {
            check(name + " " + parameter.paramLabel(), parameter.description(), problems);
        }
        commandLine.getSubcommands().values().forEach(sub -> collect(sub, problems));
    }

    private static void check(String where, String[] description, List<String> problems) {
        if (description.length > 1) {
            problems.add(where + ": a description of " + description.length + " lines");
        }
        for (String line : description) {
            if (hasLineBreak(line.replaceAll("^(%n|\\R)+|(%n|\\R)+$", ""))) {
                problems.add(where + ": a line break in \"" + line + "\"");
            }
        }
    }
}
