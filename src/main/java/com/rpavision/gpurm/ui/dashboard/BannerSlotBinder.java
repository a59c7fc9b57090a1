package com.rpavision.gpurm.ui.dashboard;

import javafx.beans.binding.BooleanBinding;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static com.rpavision.gpurm.ui.dashboard.Visibility.show;

/**
 * The one banner slot bound to the view model: its size never changes, so nothing below it moves when a banner
 * comes or goes. Its fixes that cross the view's boundary (the clipboard, Settings) are run here.
 */
final class BannerSlotBinder {

    /** The alarm and warning colours the two former banners had (app.css owns them): red, then amber. */
    private static final List<String> BANNER_COLOURS = List.of("banner-condition", "banner-degraded");

    private final DashboardViewModel vm;
    private final Supplier<CompletableFuture<?>> retryCheck;
    private final Runnable openSettings;
    private final HBox banner;
    private final Label bannerTitle;
    private final Label bannerText;
    private final Label allClear;
    private final Button bannerFix;
    private final Button bannerSecondFix;

    BannerSlotBinder(DashboardViewModel vm, Supplier<CompletableFuture<?>> retryCheck,
                     Runnable openSettings, HBox banner, Label bannerTitle, Label bannerMore, Label bannerText,
                     Label bannerAnswer, Label allClear, Button bannerFix, Button bannerSecondFix) {
        this.vm = vm;
        this.retryCheck = retryCheck;
        this.openSettings = openSettings;
        this.banner = banner;
        this.bannerTitle = bannerTitle;
        this.bannerText = bannerText;
        this.allClear = allClear;
        this.bannerFix = bannerFix;
        this.bannerSecondFix = bannerSecondFix;
        bannerAnswer.textProperty().bind(vm.bannerAnswerProperty());
        bannerMore.textProperty().bind(vm.bannerMoreProperty());
        bannerMore.managedProperty().bind(vm.bannerMoreProperty().isNotEmpty());
        bannerText.setTooltip(new Tooltip());
        bannerText.getTooltip().textProperty().bind(bannerText.textProperty());
        bannerText.getTooltip().setWrapText(true);
        bannerText.getTooltip().setMaxWidth(640);
        BooleanBinding working = vm.fixingProperty().or(vm.freeingGpuProperty()).or(vm.retryingProperty());
        bannerFix.disableProperty().bind(working);
        bannerSecondFix.disableProperty().bind(working);
        showBanner(vm.bannerProperty().get());
        vm.bannerProperty().addListener((o, was, now) -> showBanner(now));
    }

    private void showBanner(Banner shown) {
        banner.setVisible(shown != null);
        allClear.setVisible(shown == null);
        banner.getStyleClass().removeAll(BANNER_COLOURS);
        bannerTitle.setText(shown == null ? "" : shown.title());
        bannerText.setText(shown == null ? "" : shown.text());
        banner.setAccessibleText(shown == null ? null : shown.title() + ". " + shown.text());
        fixButton(bannerFix, shown, 0);
        fixButton(bannerSecondFix, shown, 1);
        if (shown != null) {
            banner.getStyleClass().add(BANNER_COLOURS.get(shown.kind().alarm() ? 0 : 1));
        }
    }

    private static void fixButton(Button button, Banner shown, int index) {
        boolean has = shown != null && shown.fixes().size() > index;
        button.setUserData(has ? shown.fixes().get(index) : null);
        button.setText(has ? shown.fixes().get(index).label() : "");
        show(button, has);
    }

    /** The fixes that cross the view's boundary are done here: the clipboard, Settings; the others by the view model. */
    void runFix(Banner.Fix fix) {
        if (fix == null) {
            return;
        }
        switch (fix.action()) {
            case COPY_PULL_COMMAND -> {
                ClipboardContent content = new ClipboardContent();
                content.putString(fix.argument());
                Clipboard.getSystemClipboard().setContent(content);
                vm.copied(fix.argument());
            }
            case OLLAMA_SETTINGS -> openSettings.run();
            case RETRY_OLLAMA -> vm.retryNow(retryCheck);
            default -> vm.fix(fix);
        }
    }
}
