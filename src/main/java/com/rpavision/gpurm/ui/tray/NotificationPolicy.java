package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.ReasonText;

import java.util.Optional;

/**
 * Which events the operator is notified of, and in which words: idle unloads, failed loads, degraded on/off,
 * contention, a mode restored at start.
 */
public final class NotificationPolicy {

    /**
     * A notification to show.
     *
     * @param offersFreeVram it carries the one-click "Free VRAM for recording"
     */
    public record Notification(NotificationThrottle.Kind kind, String title, String text, boolean warning,
                               boolean offersFreeVram) {
        Notification(NotificationThrottle.Kind kind, String title, String text, boolean warning) {
            this(kind, title, text, warning, false);
        }
    }

    private final Messages messages;

    public NotificationPolicy(Messages messages) {
        this.messages = messages;
    }

    public Optional<Notification> of(ResourceChangedEvent event) {
        var d = event.details();
        return switch (event.type()) {
            case IDLE_UNLOAD -> Optional.of(new Notification(NotificationThrottle.Kind.IDLE_UNLOAD,
                    messages.get("notify.idleUnload.title"),
                    messages.get("notify.idleUnload.text", d.get("model"), d.get("idle_seconds")), false));
            case MODEL_ERROR -> "load".equals(d.get("operation"))
                    ? Optional.of(new Notification(NotificationThrottle.Kind.LOAD_FAILED,
                    messages.get("notify.loadFailed.title"), ReasonText.ofEvent(d, messages), true))
                    : Optional.empty();
            case DEGRADED_ON -> Optional.of(new Notification(NotificationThrottle.Kind.DEGRADED,
                    messages.get("notify.degradedOn.title"), ReasonText.ofEvent(d, messages), true));
            case DEGRADED_OFF -> Optional.of(new Notification(NotificationThrottle.Kind.DEGRADED,
                    messages.get("notify.degradedOff.title"), messages.get("notify.degradedOff.text"), false));
            case CONDITION_CHANGED -> "vlm_contended".equals(d.get("condition")) && Boolean.TRUE.equals(d.get("active"))
                    ? Optional.of(new Notification(NotificationThrottle.Kind.CONTENDED, messages.get("notify.contended.title"),
                    ReasonText.ofEvent(d, messages), true, true))
                    : Optional.empty();
            case MODE_CHANGED -> d.get("restored") != null
                    ? Optional.of(new Notification(NotificationThrottle.Kind.MODE_RESTORED, messages.get("notify.modeRestored.title"),
                    messages.get("event.mode_restored." + d.get("restored"), messages.get("mode."
                            + com.rpavision.gpurm.core.model.ExecutionMode.fromWireName(String.valueOf(d.get("to"))).name())),
                    "unexpected_stop".equals(d.get("restored"))))
                    : Optional.empty();
            default -> Optional.empty();
        };
    }
}
