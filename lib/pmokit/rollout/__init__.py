"""Rollout planning: calendars, the CP-SAT wave plan, progress, forecast and charts."""
