"""Survey analysis: Likert favourability, eNPS, group comparisons, drivers, comments, anonymity.

``params`` (model and input checks), ``assess`` (bands and the one result the notebook shows),
``figures`` (drawing); the analysis modules are pure functions on the canonical frames of
:mod:`pmokit.sources.surveys`: no file I/O, no display.
"""
