package com.rpavision.gpurm.ui;

/** Every FXML file of the app, named once. */
public enum FxmlView {
    DASHBOARD("/com/rpavision/gpurm/ui/dashboard/DashboardView.fxml"),
    SETTINGS("/com/rpavision/gpurm/ui/settings/SettingsView.fxml");

    private final String resource;

    FxmlView(String resource) {
        this.resource = resource;
    }

    public String resource() {
        return resource;
    }
}
