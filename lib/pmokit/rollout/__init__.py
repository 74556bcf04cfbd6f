"""Rollout planning: calendars, the CP-SAT wave plan, progress, forecast, the assessment and its figures."""
