"""Timed exams: blueprints and weights, selecting questions, snapshots, the clock,
grading and results."""
