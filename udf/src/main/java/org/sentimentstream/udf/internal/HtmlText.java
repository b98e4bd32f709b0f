package org.sentimentstream.udf.internal;

import org.jsoup.parser.Parser;

import java.util.regex.Pattern;

/**
 * Plain text from the HTML markup that scraped reviews carry ({@code <br />} line breaks, {@code <i>} emphasis,
 * {@code &amp;} entities): a tag becomes one space, an entity its character. Only what looks like a tag is touched
 * (a {@code <} followed by a letter, {@code /} or {@code !}), so "a < b" and "<3" stay as they are, and a text
 * without {@code <} or {@code &} is returned as the same string.
 */
final class HtmlText {

    /** A run of tags with the whitespace around them: replaced by one space. */
    private static final Pattern TAGS = Pattern.compile("(?:\\s*<(?:[A-Za-z][^<>]*|/[A-Za-z][^<>]*|![^<>]*)>)+\\s*");

    private HtmlText() {}

    static String toPlainText(String text) {
        if (text.indexOf('<') < 0 && text.indexOf('&') < 0) {
            return text;
        }
        String withoutTags = text.indexOf('<') < 0
                ? text
                : TAGS.matcher(text).replaceAll(" ").strip();
        return withoutTags.indexOf('&') < 0 ? withoutTags : Parser.unescapeEntities(withoutTags, false);
    }
}
