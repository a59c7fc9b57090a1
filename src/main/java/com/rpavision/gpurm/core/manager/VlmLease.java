package com.rpavision.gpurm.core.manager;

/**
 * Held while a consumer uses the VLM: the idle timer does not unload it meanwhile, and counts from
 * {@link #close()}, the end of the request.
 */
public interface VlmLease extends AutoCloseable {
    @Override
    void close();
}
