package com.rpavision.gpurm.api.http;

import java.util.concurrent.ScheduledExecutorService;

/**
 * One open streamed answer (Server-Sent Events) as its source sees it. Safe from any thread; what is sent waits in
 * a bounded queue while the client reads slowly, so a stalled client costs at most that queue.
 */
public interface EventSink {

    /** Queues text for the client; false when the stream has ended or the client is too far behind (dropped). */
    boolean send(String text);

    /** Ends the answer (what is queued goes first); the connection may carry the next request. */
    void end();

    /** Runs once when the stream has ended, whichever side ended it. */
    void onEnd(Runnable action);

    /** The connection's event loop, for timers (never block on it). */
    ScheduledExecutorService loop();
}
