package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.HttpLimits;
import com.rpavision.gpurm.core.config.JsonObjectText;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Function;

/**
 * The proxy with the real manager behind it (whose Ollama look-alike loads the VLM) and, in Ollama's place for
 * everything the proxy forwards, a MockWebServer that records what reaches it and answers as told.
 */
final class ProxyRig implements AutoCloseable {

    final ManagerFixture f = ManagerFixture.create();
    final MockWebServer upstream = new MockWebServer();
    private OllamaProxyServer proxy;

    ProxyRig(Function<RecordedRequest, MockResponse> answers) throws IOException {
        upstream.setServerSocketFactory(new NoDelayServerSocketFactory());
        upstream.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answers.apply(request);
            }
        });
        upstream.start(InetAddress.getLoopbackAddress(), 0);
    }

    OllamaProxyServer proxy(String vlmOptions, boolean autopilotBlocksVlm) throws IOException {
        proxy = new OllamaProxyServer(f.manager, upstream.url("/").toString(), Duration.ofSeconds(10),
                f.config.vlmModel(), autopilotBlocksVlm, JsonObjectText.parse(vlmOptions).orElseThrow(),
                InetAddress.getLoopbackAddress(), 0);
        return proxy;
    }

    /** With the listener's limits and the budget for the bodies it reads whole given. */
    OllamaProxyServer proxy(HttpLimits limits, BodyBudget bodies) throws IOException {
        proxy = new OllamaProxyServer(f.manager, new OllamaUpstream(upstream.url("/").toString(), Duration.ofSeconds(10)),
                f.config.vlmModel(), false, JsonObjectText.EMPTY, InetAddress.getLoopbackAddress(), 0, limits, bodies);
        return proxy;
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
        f.close();
    }
}
