package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.HttpLimits;
import com.rpavision.gpurm.api.http.RawHttp;
import com.rpavision.gpurm.core.config.JsonObjectText;
import com.rpavision.gpurm.testing.ManagerFixture;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An https {@code ollama_endpoint}: the proxy speaks TLS to Ollama, trusts only the certificates its trust store
 * holds (the JDK's, unless one is given) and checks that the certificate names the endpoint's host. The Ollama
 * look-alike's certificate is self-signed, made here with the JDK's keytool.
 */
class OllamaProxyTlsUpstreamTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static KeyStore forLoopback;
    private static KeyStore forAnotherHost;

    private ManagerFixture f;
    private MockWebServer ollama;
    private OllamaProxyServer proxy;

    @BeforeAll
    static void certificates() throws Exception {
        forLoopback = selfSigned("loopback", "ip:127.0.0.1");
        forAnotherHost = selfSigned("elsewhere", "dns:ollama.example");
    }

    /** A PKCS12 store holding one key pair whose self-signed certificate names {@code subjectAltName}. */
    private static KeyStore selfSigned(String name, String subjectAltName) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=" + subjectAltName, "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static TrustManagerFactory trusting(KeyStore store) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust;
    }

    /** Ollama on https with the certificate of {@code store}. */
    private void ollamaWith(KeyStore store) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        ollama.useHttps(tls.getSocketFactory());
        ollama.start(InetAddress.getLoopbackAddress(), 0);
    }

    private void proxyTrusting(TrustManagerFactory trust) throws IOException {
        String endpoint = "https://127.0.0.1:" + ollama.getPort();
        proxy = new OllamaProxyServer(f.manager, new OllamaUpstream(endpoint, Duration.ofSeconds(10), trust),
                f.config.vlmModel(), false, JsonObjectText.EMPTY, InetAddress.getLoopbackAddress(), 0,
                HttpLimits.DEFAULTS, new BodyBudget(OllamaProxyServer.BODIES_HELD));
    }

    @BeforeEach
    void start() {
        f = ManagerFixture.create();
        ollama = new MockWebServer();
        ollama.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().addHeader("Content-Type", "application/json")
                        .body("{\"models\":[]}").build();
            }
        });
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        ollama.close();
        f.close();
    }

    private String get(String path) throws IOException {
        return RawHttp.exchange(proxy.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.port()
                + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aRequestGoesToOllamaOverTlsWhenItsCertificateIsTrusted() throws Exception {
        ollamaWith(forLoopback);
        proxyTrusting(trusting(forLoopback));
        String head = "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.port() + "\r\n";
        String wire = RawHttp.exchange(proxy.port(), head + "\r\n" + head + "Connection: close\r\n\r\n");
        assertThat(wire.split("HTTP/1\\.1 200 OK\r\n", -1)).as("two 200s").hasSize(3);
        assertThat(wire).endsWith("{\"models\":[]}");
        RecordedRequest first = ollama.takeRequest();
        assertThat(first.getHandshake()).as("received over TLS").isNotNull();
        assertThat(first.getHeaders().get("Host")).isEqualTo("127.0.0.1:" + ollama.getPort());
        assertThat(List.of(first.getConnectionIndex(), ollama.takeRequest().getConnectionIndex()))
                .as("the second request on the same kept-alive TLS connection").containsExactly(0, 0);
    }

    @Test
    void aCertificateTheTrustStoreDoesNotHoldIsRefusedWithA502ThatSaysSo() throws Exception {
        ollamaWith(forLoopback);
        proxyTrusting(null); // the JDK's own trust store, which knows nothing of this certificate
        assertThat(get("/api/tags")).startsWith("HTTP/1.1 502 ").contains("certificate", "trust store")
                .doesNotContain("ollama serve");
        assertThat(ollama.getRequestCount()).isZero();
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        ollamaWith(forAnotherHost);
        proxyTrusting(trusting(forAnotherHost));
        assertThat(get("/api/tags")).startsWith("HTTP/1.1 502 ").contains("certificate");
        assertThat(ollama.getRequestCount()).isZero();
    }
}
