"""Survey analysis: Likert favourability, eNPS, group comparisons, drivers, comments, anonymity.

Pure functions on the canonical frames of :mod:`pmokit.sources.surveys`; no file I/O, no display.
"""
