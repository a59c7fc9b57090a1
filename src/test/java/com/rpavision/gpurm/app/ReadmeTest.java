package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.config.ConfigKey;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table is the operator's reference: it must list every key with its default. */
class ReadmeTest {

    @Test
    void theConfigurationTableListsEveryKeyWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        GpuResourceConfig defaults = GpuResourceConfig.defaults();
        for (ConfigKey key : ConfigKey.values()) {
            Object value = key.valueIn(defaults);
            String shown = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
            assertThat(readme).contains("| `" + key.jsonName() + "` | `" + shown + "` |");
            if (key.isInteger()) {
                assertThat(readme).contains("| `" + key.jsonName() + "` | `" + shown + "` | " + key.min() + " – " + key.max() + " |");
            }
        }
    }
}
