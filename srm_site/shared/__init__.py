"""Small helpers several packages use. This package imports no app of the project."""
