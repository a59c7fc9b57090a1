package com.rpavision.gpurm.core.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The remote-scraping keys: off by default, and a wrong value named before anything listens. */
class MetricsKeysTest {

    private final ConfigCodec codec = new ConfigCodec();

    @Test
    void everyMetricsOutletIsOffByDefault() {
        GpuResourceConfig defaults = GpuResourceConfig.defaults();
        assertThat(defaults.metricsListen()).isEmpty();
        assertThat(defaults.metricsBearerTokenFile()).isEmpty();
        assertThat(defaults.metricsTextfilePath()).isEmpty();
    }

    @Test
    void listenAddressesInTheFormsOperatorsWrite() {
        assertThat(ListenAddress.parse("0.0.0.0:9836")).isEqualTo(new ListenAddress("0.0.0.0", 9836));
        assertThat(ListenAddress.parse("192.168.1.20:9836")).isEqualTo(new ListenAddress("192.168.1.20", 9836));
        assertThat(ListenAddress.parse("[::]:9836")).isEqualTo(new ListenAddress("::", 9836));
        assertThat(ListenAddress.parse("[::]:9836").toString()).isEqualTo("[::]:9836");
        assertThat(ListenAddress.parse("station-07.lan:9836").host()).isEqualTo("station-07.lan");
        for (String bad : new String[] {"9836", ":9836", "0.0.0.0", "0.0.0.0:0", "0.0.0.0:70000", "::1:9836", "host:port", "a b:1"}) {
            assertThat(ListenAddress.problem(bad)).as(bad).isPresent();
        }
    }

    @Test
    void aBadValueIsRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> codec.fromJson("{\"metrics_listen\": \"0.0.0.0\"}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metrics_listen must be host:port");
        assertThatThrownBy(() -> codec.fromJson("{\"metrics_textfile_path\": \"/var/lib/node_exporter/gpurm.txt\"}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metrics_textfile_path must end with .prom");
        GpuResourceConfig config = codec.fromJson("{\"metrics_listen\": \"0.0.0.0:9836\", \"metrics_bearer_token_file\":"
                + " \"/etc/gpurm/metrics.token\", \"metrics_textfile_path\": \"/var/lib/node_exporter/gpurm.prom\"}");
        assertThat(codec.fromJson(codec.toJson(config))).isEqualTo(config);
        assertThat(config.metricsListen()).isEqualTo("0.0.0.0:9836");
    }
}
