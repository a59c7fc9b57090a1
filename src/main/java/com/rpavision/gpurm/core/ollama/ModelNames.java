package com.rpavision.gpurm.core.ollama;

/** Ollama model names are {@code name:tag}; a name without a tag means {@code :latest}, and is listed so. */
public final class ModelNames {

    private ModelNames() {
    }

    public static String normalize(String name) {
        if (name == null) {
            return "";
        }
        String trimmed = name.trim();
        int slash = trimmed.lastIndexOf('/');
        return trimmed.indexOf(':', slash + 1) >= 0 ? trimmed : trimmed + ":latest";
    }

    public static boolean same(String a, String b) {
        return a != null && b != null && normalize(a).equals(normalize(b));
    }
}
