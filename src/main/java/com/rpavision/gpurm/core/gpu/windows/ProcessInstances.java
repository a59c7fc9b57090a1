package com.rpavision.gpurm.core.gpu.windows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code GPU Process Memory} instances of one adapter: names like {@code pid_1234_luid_0x..._0x..._phys_0}. */
final class ProcessInstances {

    private static final Pattern PID = Pattern.compile("pid_(\\d{1,10})_(.+)");

    private ProcessInstances() {
    }

    /** Processes on {@code adapterInstance} in pid order; an instance missing from one map counts 0 there. */
    static List<ProcessGpuMemory> onAdapter(String adapterInstance, Map<String, Long> dedicatedMb,
                                            Map<String, Long> sharedMb) {
        List<ProcessGpuMemory> processes = new ArrayList<>();
        Set<String> instances = new TreeSet<>(dedicatedMb.keySet());
        instances.addAll(sharedMb.keySet());
        for (String instance : instances) {
            Matcher m = PID.matcher(instance);
            if (m.matches() && m.group(2).equalsIgnoreCase(adapterInstance)) {
                processes.add(new ProcessGpuMemory(Long.parseLong(m.group(1)),
                        dedicatedMb.getOrDefault(instance, 0L), sharedMb.getOrDefault(instance, 0L)));
            }
        }
        processes.sort(Comparator.comparingLong(ProcessGpuMemory::pid));
        return processes;
    }
}
