package com.rpavision.gpurm.ui.dashboard;

/** One line of a card's facts: what it is about, and its value now ("In VRAM", "10.3 GB"). */
public record CardFact(String label, String value) {
}
