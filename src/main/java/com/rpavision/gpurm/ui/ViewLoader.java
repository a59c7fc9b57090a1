package com.rpavision.gpurm.ui;

import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/** Loads FXML views with their texts; controllers come from factories so they get collaborators by constructor. */
public final class ViewLoader {

    private final Messages messages;
    private final Map<Class<?>, Supplier<?>> controllers;

    public ViewLoader(Messages messages, Map<Class<?>, Supplier<?>> controllers) {
        this.messages = messages;
        this.controllers = Map.copyOf(controllers);
    }

    public Parent load(FxmlView view) {
        FXMLLoader loader = new FXMLLoader(ViewLoader.class.getResource(view.resource()), messages.bundle());
        loader.setControllerFactory(type -> {
            Supplier<?> factory = controllers.get(type);
            if (factory == null) {
                throw new IllegalStateException("no controller factory for " + type.getName());
            }
            return factory.get();
        });
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + view.resource(), e);
        }
    }
}
