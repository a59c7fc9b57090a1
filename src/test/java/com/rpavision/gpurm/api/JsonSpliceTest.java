package com.rpavision.gpurm.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Edits at token positions: exactly the bytes that change, nothing else. */
class JsonSpliceTest {

    private static final Map<String, String> NONE = Map.of();

    /** The manager's lease as the proxy writes it. */
    private static final String LEASE = "\"180s\"";

    private static String rewrite(String body, Map<String, String> overlay) {
        return new String(JsonSplice.scan(body.getBytes(StandardCharsets.UTF_8)).orElseThrow().rewritten(LEASE, overlay),
                StandardCharsets.UTF_8);
    }

    private static Map<String, String> ctx8k() {
        Map<String, String> overlay = new LinkedHashMap<>();
        overlay.put("num_ctx", "8192");
        overlay.put("num_batch", "512");
        return overlay;
    }

    @Test
    void replacesEveryKindOfKeepAliveValueAndNothingAroundIt() {
        assertThat(rewrite("{\"model\":\"m\",\"keep_alive\":\"5m\",\"x\":1e400}", NONE))
                .isEqualTo("{\"model\":\"m\",\"keep_alive\":\"180s\",\"x\":1e400}");
        assertThat(rewrite("{ \"keep_alive\" : 300 , \"prompt\":\"a\\u00e9\\\"b\" }", NONE))
                .isEqualTo("{ \"keep_alive\" : \"180s\" , \"prompt\":\"a\\u00e9\\\"b\" }");
        assertThat(rewrite("{\"prompt\":\"p\",\"keep_alive\":0}", NONE)).isEqualTo("{\"prompt\":\"p\",\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{\"keep_alive\":-12.5e-3\n}", NONE)).isEqualTo("{\"keep_alive\":\"180s\"\n}");
        assertThat(rewrite("{\"keep_alive\":null,\"b\":true}", NONE)).isEqualTo("{\"keep_alive\":\"180s\",\"b\":true}");
        assertThat(rewrite("{\"keep_alive\":false}", NONE)).isEqualTo("{\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{\"keep_alive\":{\"a\":[1,{}]},\"z\":2}", NONE)).isEqualTo("{\"keep_alive\":\"180s\",\"z\":2}");
    }

    @Test
    void matchesTopLevelNamesAsGoDoesAndReplacesDuplicates() {
        assertThat(rewrite("{\"Keep_Alive\":\"5m\",\"keep_alive\":\"1h\"}", NONE))
                .isEqualTo("{\"Keep_Alive\":\"180s\",\"keep_alive\":\"180s\"}");
        assertThat(JsonSplice.scan("{\"MODEL\":\"a\",\"model\":\"qwen3-vl:8b\"}".getBytes(StandardCharsets.UTF_8))
                .orElseThrow().model()).as("the last one wins, as in Go").isEqualTo("qwen3-vl:8b");
        assertThat(rewrite("{\"messages\":[{\"keep_alive\":\"5m\",\"options\":{}}]}", ctx8k()))
                .as("only top-level members count")
                .isEqualTo("{\"messages\":[{\"keep_alive\":\"5m\",\"options\":{}}],\"keep_alive\":\"180s\","
                        + "\"options\":{\"num_ctx\":8192,\"num_batch\":512}}");
    }

    @Test
    void addsKeepAliveWhenThereIsNone() {
        assertThat(rewrite("{\"model\":\"m\"}", NONE)).isEqualTo("{\"model\":\"m\",\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{ }", NONE)).isEqualTo("{ \"keep_alive\":\"180s\"}");
        assertThat(rewrite("\n{\"a\":[]}\n", NONE)).isEqualTo("\n{\"a\":[],\"keep_alive\":\"180s\"}\n");
    }

    @Test
    void laysTheOptionsOverThoseOfTheRequestTheirValuesWinning() {
        assertThat(rewrite("{\"options\":{\"temperature\":0.2,\"num_ctx\":2048},\"keep_alive\":\"5m\"}", ctx8k()))
                .isEqualTo("{\"options\":{\"temperature\":0.2,\"num_ctx\":8192,\"num_batch\":512},\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{\"options\":{ }}", ctx8k())).isEqualTo("{\"options\":{ \"num_ctx\":8192,\"num_batch\":512},\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{\"options\":null}", ctx8k()))
                .isEqualTo("{\"options\":{\"num_ctx\":8192,\"num_batch\":512},\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{\"options\":\"odd\"}", ctx8k())).as("Ollama refuses it").isEqualTo("{\"options\":\"odd\",\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{\"options\":{\"NUM_CTX\":1}}", Map.of("num_ctx", "8192")))
                .as("keys of a map match exactly").isEqualTo("{\"options\":{\"NUM_CTX\":1,\"num_ctx\":8192},\"keep_alive\":\"180s\"}");
        assertThat(rewrite("{\"options\":{\"stop\":[\"a\",\"b\"]}}", Map.of("stop", "[\"\\n\"]", "we\"ird", "{}")))
                .contains("\"stop\":[\"\\n\"]").contains("\"we\\\"ird\":{}").doesNotContain("\"a\"");
    }

    @Test
    void leavesWhatIsNotOneJsonObjectAlone() {
        for (String body : new String[]{"", "[]", "\"x\"", "{\"a\":", "{\"a\" 1}", "nul"}) {
            assertThat(JsonSplice.scan(body.getBytes(StandardCharsets.UTF_8))).as(body).isEmpty();
        }
        assertThat(JsonSplice.scan("{\"model\":7}".getBytes(StandardCharsets.UTF_8)).orElseThrow().model()).isNull();
    }

    @Test
    void keepsMultiByteTextAroundTheEdit() {
        assertThat(rewrite("{\"prompt\":\"é日本\uD83D\uDE00\",\"keep_alive\":\"5m\",\"s\":\"ü\"}", NONE))
                .isEqualTo("{\"prompt\":\"é日本\uD83D\uDE00\",\"keep_alive\":\"180s\",\"s\":\"ü\"}");
    }
}
