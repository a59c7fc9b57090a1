package com.rpavision.gpurm.core.clip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * DJL's settings, which it reads once when its engine first loads: offline (it must never download libtorch
 * or phone home: without this DJL 0.36 calls a cloud metadata address at start), libtorch's cache in our data
 * folder, an optional existing libtorch (a CUDA build), and the graph optimizer off so the first inference is
 * not pathologically slow.
 */
public final class DjlEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);

    private DjlEnvironment() {
    }

    /**
     * @param engineCacheDir where libtorch is extracted from the jar (about 430 MB on first start)
     * @param libtorchPath   empty for the bundled CPU libtorch, else a folder holding libtorch's libraries
     */
    public static void configure(Path engineCacheDir, String libtorchPath) {
        configure(engineCacheDir, libtorchPath, System.getenv());
    }

    static void configure(Path engineCacheDir, String libtorchPath, Map<String, String> env) {
        if (env.get("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.setProperty("OPT_OUT_TRACKING", "true");
        setUnlessUserDid(env, "ENGINE_CACHE_DIR", engineCacheDir.toAbsolutePath().toString());
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (!libtorchPath.isBlank()) {
            // Only with an existing libtorch: these two alone would switch DJL to its download path.
            String flavor = hasCudaLibrary(Path.of(libtorchPath)) ? CUDA_FLAVOR : "cpu";
            System.setProperty("PYTORCH_LIBRARY_PATH", libtorchPath);
            System.setProperty("PYTORCH_VERSION", LIBTORCH_VERSION);
            System.setProperty("PYTORCH_FLAVOR", flavor);
            LOG.info("CLIP uses the libtorch {} ({}) in {}", LIBTORCH_VERSION, flavor, libtorchPath);
        }
    }

    /** The libtorch our DJL JNI was built against, and the CUDA flavour it ships a JNI library for. */
    static final String LIBTORCH_VERSION = "2.7.1";
    static final String CUDA_FLAVOR = "cu128";

    private static boolean hasCudaLibrary(Path folder) {
        return Files.exists(folder.resolve("libtorch_cuda.so")) || Files.exists(folder.resolve("torch_cuda.dll"));
    }

    private static void setUnlessUserDid(Map<String, String> env, String key, String value) {
        if (env.get(key) == null && System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
