"""The question bank: authoring in the admin, validation, import and export (JSON and
CSV), question history and corrections, item analysis, and loading the shipped bank."""
