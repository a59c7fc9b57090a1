package com.rpavision.gpurm.core.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Life cycle of a managed model; the legal moves between states are listed in {@link #canMoveTo}. */
public enum ModelState {
    UNLOADED, LOADING, LOADED, UNLOADING, ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The single table of legal transitions. */
    public Set<ModelState> successors() {
        return switch (this) {
            case UNLOADED -> EnumSet.of(LOADING, LOADED, ERROR);
            case LOADING -> EnumSet.of(LOADED, ERROR, UNLOADED);
            case LOADED -> EnumSet.of(UNLOADING, ERROR, UNLOADED);
            case UNLOADING -> EnumSet.of(UNLOADED, ERROR, LOADED);
            case ERROR -> EnumSet.of(LOADING, UNLOADING, UNLOADED, LOADED);
        };
    }

    public boolean canMoveTo(ModelState next) {
        return successors().contains(next);
    }
}
