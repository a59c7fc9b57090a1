package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.model.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReasonTextTest {

    private final Messages en = new Messages(Locale.ENGLISH);
    private final Messages fr = new Messages(Locale.FRENCH);

    @Test
    void everyReasonCodeHasATextInBothLanguages() {
        for (Reason.Code code : Reason.Code.values()) {
            if (code == Reason.Code.OTHER) {
                continue;
            }
            assertThat(en.get("reason." + code.name())).as(code.name()).doesNotStartWith("!");
            assertThat(fr.get("reason." + code.name())).as(code.name()).doesNotStartWith("!")
                    .isNotEqualTo(en.get("reason." + code.name()));
        }
    }

    @Test
    void aCodedReasonReadsInTheOperatorsLanguageAndTextFromElsewhereStaysAsItCame() {
        Reason pull = Reason.of(Reason.Code.MODEL_NOT_PULLED, "Model llava:34b is not installed", "llava:34b");
        assertThat(ReasonText.of(pull, fr)).isEqualTo("Le modèle de vision llava:34b n’est pas encore installé dans Ollama\u00a0: téléchargez-le d’abord.");
        assertThat(ReasonText.of(pull, en)).isEqualTo("The vision model llava:34b is not installed in Ollama yet: pull it first.");
        assertThat(ReasonText.of(Reason.text("server busy, please try again"), fr)).isEqualTo("server busy, please try again");
        assertThat(ReasonText.of(null, fr)).isEmpty();
    }

    @Test
    void eventsCarryTheirReasonCodeForTheLogAndNotifications() {
        Map<String, Object> details = Map.of("reason", "VLM x is still listed", "reason_code", "UNLOAD_STUCK",
                "reason_args", List.of("qwen3-vl:8b", 5));
        assertThat(ReasonText.ofEvent(details, fr)).startsWith("qwen3-vl:8b est toujours dans Ollama 5 s");
        assertThat(ReasonText.ofEvent(Map.of("reason", "plain"), fr)).isEqualTo("plain");
    }
}
