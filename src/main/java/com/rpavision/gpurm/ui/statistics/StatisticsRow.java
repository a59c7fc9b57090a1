package com.rpavision.gpurm.ui.statistics;

/** One line of the statistics table: what, today, this week. */
public record StatisticsRow(String what, String today, String week) {
}
