package com.rpavision.gpurm.bench;

import com.rpavision.gpurm.api.ApiToken;
import com.rpavision.gpurm.api.ControlApiServer;
import com.rpavision.gpurm.api.OllamaProxyServer;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the proxy adds over talking to Ollama directly, on loopback with kept-alive connections: a small
 * request's latency (sample-time percentiles) and a 4 MiB NDJSON stream's time; and the status endpoint.
 * The "Ollama" is a MockWebServer: the same one answers both paths, so the difference is the proxy's.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ApiBenchmarks {

    static final int STREAM_BYTES = 4 * 1024 * 1024;

    private ManagerFixture fixture;
    private MockWebServer upstream;
    private OllamaProxyServer proxy;
    private ControlApiServer api;
    private ApiToken token;
    private OkHttpClient client;
    private Buffer stream;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        StringBuilder lines = new StringBuilder();
        while (lines.length() < STREAM_BYTES) {
            lines.append("{\"model\":\"llava:13b\",\"created_at\":\"2026-11-30T08:00:00Z\",\"response\":\"token\",\"done\":false}\n");
        }
        stream = new Buffer().writeUtf8(lines.substring(0, STREAM_BYTES - 1) + "\n");
        upstream = new MockWebServer();
        upstream.setServerSocketFactory(new NoDelayServerSocketFactory());
        upstream.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getUrl().encodedPath().equals("/stream")) {
                    return new MockResponse.Builder().addHeader("Content-Type", "application/x-ndjson")
                            .chunkedBody(stream.clone(), 16 * 1024).build();
                }
                return new MockResponse.Builder().addHeader("Content-Type", "application/json").body("{\"version\":\"0.12.6\"}").build();
            }
        });
        upstream.start(InetAddress.getLoopbackAddress(), 0);
        fixture = ManagerFixture.create();
        proxy = new OllamaProxyServer(fixture.manager, upstream.url("/").toString(), Duration.ofSeconds(30),
                "qwen3-vl:8b", false, InetAddress.getLoopbackAddress(), 0);
        token = ApiToken.random();
        api = new ControlApiServer(fixture.manager, InetAddress.getLoopbackAddress(), 0, token, Duration.ofSeconds(30), "ViT-B-32");
        client = new OkHttpClient();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.connectionPool().evictAll();
        proxy.close();
        api.close();
        fixture.close();
        upstream.close();
    }

    private long get(String url, String authorization) throws Exception {
        Request.Builder request = new Request.Builder().url(url);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try (Response response = client.newCall(request.build()).execute()) {
            return response.body().source().readAll(okio.Okio.blackhole());
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public long versionDirect() throws Exception {
        return get("http://127.0.0.1:" + upstream.getPort() + "/api/version", null);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public long versionThroughProxy() throws Exception {
        return get("http://127.0.0.1:" + proxy.port() + "/api/version", null);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public long streamDirect() throws Exception {
        return get("http://127.0.0.1:" + upstream.getPort() + "/stream", null);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public long streamThroughProxy() throws Exception {
        return get("http://127.0.0.1:" + proxy.port() + "/stream", null);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public long status() throws Exception {
        return get("http://127.0.0.1:" + api.port() + "/api/v1/status", "Bearer " + token.value());
    }
}
