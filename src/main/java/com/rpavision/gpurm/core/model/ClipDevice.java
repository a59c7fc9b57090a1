package com.rpavision.gpurm.core.model;

/** Where the CLIP pipeline runs. Its wire names are the only values {@code getClipDevice()} returns. */
public enum ClipDevice {
    CPU("cpu"), CUDA("cuda");

    private final String wireName;

    ClipDevice(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ClipDevice fromWireName(String value) {
        for (ClipDevice device : values()) {
            if (device.wireName.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return device;
            }
        }
        throw new IllegalArgumentException("unknown CLIP device '" + value + "': expected cpu or cuda");
    }
}
