package com.rpavision.gpurm.ui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * French puts a non-breaking space before « : ; ? ! » and after «: with a plain one, a wrapped line of the panel
 * can start with ":" (issue 25). Every French string is scanned.
 */
class FrenchTypographyTest {

    private static final Pattern BREAKABLE = Pattern.compile(" [:;?!\u00bb]|\u00ab ");

    @Test
    void noFrenchStringLetsAPunctuationMarkWrapOntoANewLine() throws IOException {
        Properties french = new Properties();
        try (var in = FrenchTypographyTest.class.getResourceAsStream("/com/rpavision/gpurm/ui/i18n/messages_fr.properties")) {
            french.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        List<String> wrong = new ArrayList<>();
        french.forEach((key, value) -> {
            if (BREAKABLE.matcher(value.toString()).find()) {
                wrong.add(key + "=" + value);
            }
        });
        assertThat(french).as("the bundle was read").hasSizeGreaterThan(100);
        assertThat(wrong).as("a plain space before : ; ? ! » or after «: use \\u00a0").isEmpty();
    }
}
