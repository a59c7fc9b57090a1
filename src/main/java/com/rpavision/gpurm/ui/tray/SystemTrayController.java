package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.ui.Messages;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.AWTException;
import java.awt.CheckboxMenuItem;
import java.awt.EventQueue;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.Toolkit;
import java.awt.TrayIcon;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The AWT tray icon. Every AWT call runs on the AWT event thread; menu actions are handed to {@code onAction},
 * which crosses back to the FX thread itself. Draws what {@link TrayMenu} built.
 */
public final class SystemTrayController implements Tray {

    private static final Logger LOG = LoggerFactory.getLogger(SystemTrayController.class);

    private final Messages messages;
    private final Consumer<TrayMenu.Action> onAction;
    private TrayIcon icon;

    private SystemTrayController(Messages messages, Consumer<TrayMenu.Action> onAction) {
        this.messages = messages;
        this.onAction = onAction;
    }

    /** The AWT tray, where {@link SystemTray#isSupported()}. */
    public static Tray.Installer installer(Messages messages) {
        return (state, onAction, done) -> installAsync(messages, state, onAction, done);
    }

    /**
     * Installs the icon on the AWT thread without blocking the caller; {@code done} receives the controller, or
     * empty when there is no tray, on the FX thread.
     */
    public static void installAsync(Messages messages, TrayMenu.State state, Consumer<TrayMenu.Action> onAction,
                                    Consumer<Optional<Tray>> done) {
        SystemTrayController controller = new SystemTrayController(messages, onAction);
        try {
            EventQueue.invokeLater(() -> {
                boolean installed;
                try {
                    installed = controller.installOnAwt(state);
                } catch (RuntimeException | Error e) {
                    LOG.warn("No tray icon: {}", e.toString());
                    installed = false;
                }
                Optional<Tray> result = installed ? Optional.of(controller) : Optional.empty();
                Platform.runLater(() -> done.accept(result));
            });
        } catch (RuntimeException | Error e) {
            LOG.warn("No tray icon: {}", e.toString());
            Platform.runLater(() -> done.accept(Optional.empty()));
        }
    }

    private boolean installOnAwt(TrayMenu.State state) {
        if (!SystemTray.isSupported()) {
            return false;
        }
        SystemTray tray = SystemTray.getSystemTray();
        int size = Math.max(16, tray.getTrayIconSize().height);
        icon = new TrayIcon(TrayIconPainter.paint(state.reached(), state.verdict().kind(), size), TrayMenu.tooltip(state, messages));
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> onAction.accept(TrayMenu.Action.TOGGLE_WINDOW));
        icon.setPopupMenu(menu(TrayMenu.build(state, messages)));
        try {
            tray.add(icon);
            return true;
        } catch (AWTException e) {
            LOG.warn("The tray refused the icon: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void update(TrayMenu.State state) {
        EventQueue.invokeLater(() -> {
            int size = icon.getSize().height > 0 ? icon.getSize().height : 16;
            icon.setImage(TrayIconPainter.paint(state.reached(), state.verdict().kind(), size));
            icon.setToolTip(TrayMenu.tooltip(state, messages));
            icon.setPopupMenu(menu(TrayMenu.build(state, messages)));
        });
    }

    @Override
    public void notify(String title, String text, boolean warning) {
        EventQueue.invokeLater(() -> icon.displayMessage(title, drawsItsOwnBalloon() ? BalloonText.fit(text) : text,
                warning ? TrayIcon.MessageType.WARNING : TrayIcon.MessageType.INFO));
    }

    /** XToolkit (Linux) draws the balloon itself and cuts its lines; Windows wraps the text natively. */
    private static boolean drawsItsOwnBalloon() {
        return "sun.awt.X11.XToolkit".equals(Toolkit.getDefaultToolkit().getClass().getName());
    }

    private PopupMenu menu(List<TrayMenu.Item> items) {
        PopupMenu menu = new PopupMenu();
        for (TrayMenu.Item item : items) {
            if (item.separatorBefore()) {
                menu.addSeparator();
            }
            MenuItem entry = item.action().name().startsWith("MODE_")
                    ? new CheckboxMenuItem(item.label(), item.checked()) : new MenuItem(item.label());
            entry.setEnabled(item.enabled());
            if (entry instanceof CheckboxMenuItem box) {
                box.addItemListener(e -> onAction.accept(item.action())); // check boxes fire item events only
            } else {
                entry.addActionListener(e -> onAction.accept(item.action()));
            }
            menu.add(entry);
        }
        return menu;
    }

    @Override
    public void close() {
        EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
    }
}
