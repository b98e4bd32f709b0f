package org.sentimentstream.udf.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlTextTest {

    @Test
    void lineBreaksAndTagsBecomeOneSpace() {
        assertThat(HtmlText.toPlainText("Great film.<br /><br />The end was weak."))
                .isEqualTo("Great film. The end was weak.");
        assertThat(HtmlText.toPlainText("A <i>masterpiece</i>, <B>really</B>!<BR>Go"))
                .isEqualTo("A masterpiece , really ! Go");
        assertThat(HtmlText.toPlainText("<br/>Starts and ends with markup<br >"))
                .isEqualTo("Starts and ends with markup");
        assertThat(HtmlText.toPlainText("a <a href=\"x.html\">link</a> and <!-- a comment -->more"))
                .isEqualTo("a link and more");
    }

    @Test
    void entitiesBecomeTheirCharacters() {
        assertThat(HtmlText.toPlainText("Tom &amp; Jerry &quot;rocks&quot; &#39;n&#x27; rolls&nbsp;&eacute;"))
                .isEqualTo("Tom & Jerry \"rocks\" 'n' rolls\u00a0é");
    }

    @Test
    void whatOnlyLooksLikeMarkupStays() {
        assertThat(HtmlText.toPlainText("I <3 it, 2 < 3 and 5 > 4")).isEqualTo("I <3 it, 2 < 3 and 5 > 4");
        assertThat(HtmlText.toPlainText("AT&T and R&D")).isEqualTo("AT&T and R&D");
    }

    @Test
    void aTextWithoutMarkupIsTheSameString() {
        String plain = "  spaces   and\nnew lines stay  ";
        assertThat(HtmlText.toPlainText(plain)).isSameAs(plain);
    }
}
