package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.ui.tray.Tray;
import com.rpavision.gpurm.ui.tray.TrayMenu;
import javafx.application.Platform;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Stands in for the AWT tray: records what the panel tells it, and chooses menu items as the operator would. */
final class FakeTray implements Tray, Tray.Installer {

    final List<String> notifications = new CopyOnWriteArrayList<>();
    private final List<TrayMenu.State> states = new CopyOnWriteArrayList<>();
    private volatile Consumer<TrayMenu.Action> onAction;
    private volatile Consumer<Optional<Tray>> done;

    @Override
    public void install(TrayMenu.State state, Consumer<TrayMenu.Action> onAction, Consumer<Optional<Tray>> done) {
        states.add(state);
        this.onAction = onAction;
        this.done = done;
    }

    /** The desktop answers that it has a tray, as AWT would, a moment after the window showed. */
    void appear() {
        Platform.runLater(() -> done.accept(Optional.of(this)));
    }

    void absent() {
        Platform.runLater(() -> done.accept(Optional.empty()));
    }

    void choose(TrayMenu.Action action) {
        onAction.accept(action); // from the test's thread, as AWT's would be
    }

    TrayMenu.State lastState() {
        return states.get(states.size() - 1);
    }

    @Override
    public void update(TrayMenu.State state) {
        states.add(state);
    }

    @Override
    public void notify(String title, String text, boolean warning) {
        notifications.add(title);
    }

    @Override
    public void close() {
    }
}
