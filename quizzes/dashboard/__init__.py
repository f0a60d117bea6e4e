"""The learner's dashboard: progress, mastery by service and layer, score history and
exam readiness."""
