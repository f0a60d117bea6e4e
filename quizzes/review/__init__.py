"""Spaced repetition: FSRS review cards and the queue of questions due."""
