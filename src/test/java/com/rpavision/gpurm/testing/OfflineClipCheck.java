package com.rpavision.gpurm.testing;

import com.rpavision.gpurm.core.clip.DjlClipEngine;
import com.rpavision.gpurm.core.clip.DjlEnvironment;

import java.nio.file.Path;
import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in its own JVM (with -Djava.security.manager=allow): starts the CLIP engine and embeds an image while a
 * SecurityManager records and refuses every connection or name lookup, so nothing leaves the machine even if
 * something tries. Prints what it saw for {@code OfflineClipTest} to read.
 *
 * <p>Arguments: engine-cache-dir model-path offline|default
 */
public final class OfflineClipCheck {

    private OfflineClipCheck() {
    }

    public static void main(String[] args) throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkPermission(Permission perm) {
            }

            @Override
            public void checkPermission(Permission perm, Object context) {
            }

            @Override
            public void checkConnect(String host, int port) {
                attempts.add(host + ":" + port);
                throw new SecurityException("network refused by OfflineClipCheck: " + host + ":" + port);
            }

            @Override
            public void checkConnect(String host, int port, Object context) {
                checkConnect(host, port);
            }
        });
        if (args[2].equals("offline")) {
            DjlEnvironment.configure(Path.of(args[0]), "");
        } else {
            System.setProperty("ENGINE_CACHE_DIR", args[0]);
        }
        try {
            DjlClipEngine engine = new DjlClipEngine("tiny-clip", Path.of(args[1]), 0);
            engine.start();
            System.out.println("STATUS " + engine.status().availability() + " " + engine.status().reason());
            if (engine.status().reason() == null) {
                System.out.println("EMBEDDING " + engine.embed(ClipFixture.image("ui-640x400.png")).length);
            }
            Thread.sleep(1_000); // in case anything phones home from a thread of its own
            engine.close();
        } catch (Throwable e) {
            System.out.println("FAILED " + e);
        } finally {
            System.out.println("CONNECT ATTEMPTS " + attempts.size() + " " + attempts);
        }
        System.exit(0);
    }
}
