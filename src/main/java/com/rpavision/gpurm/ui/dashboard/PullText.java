package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.PullProgress;
import com.rpavision.gpurm.ui.Messages;

/** A pull's progress as the banner says it: the share and the gigabytes while it downloads, else that it works. */
final class PullText {

    private static final long MB = 1024 * 1024;

    private PullText() {
    }

    static String of(PullProgress progress, Messages messages, VramBarModel sizes) {
        if (progress.downloading()) {
            return messages.get("pull.progress", progress.model(), progress.percent(),
                    sizes.gigabytes(progress.completedBytes() / MB), sizes.gigabytes(progress.totalBytes() / MB));
        }
        return messages.get("pull.working", progress.model());
    }
}
