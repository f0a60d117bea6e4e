"""Learners' accounts: sign-up, sign-in, profile and extra time, data export and deletion."""
