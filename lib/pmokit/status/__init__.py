"""Status deck: the colours of the RAG dashboard, RAID and milestone views, week-over-week changes, the deck.

Module roles (the same in every workbook): :mod:`~pmokit.status.params` (the params model and input
checks), :mod:`~pmokit.status.assess` (``bands(p)`` and ``assess(...)`` -> :class:`StatusResult`),
:mod:`~pmokit.status.figures` (drawing). Analysis modules: :mod:`~pmokit.status.rag` (rules and the
worst-of), :mod:`~pmokit.status.raid`, :mod:`~pmokit.status.milestones`, :mod:`~pmokit.status.diff`,
:mod:`~pmokit.status.summary`; :mod:`~pmokit.status.portfolio` (what the deck shows of each workbook
run), :mod:`~pmokit.status.deck` (the PowerPoint artefact) and :mod:`~pmokit.status.snapshots` (the
CSVs next week's run compares with).

Everything here works on DataFrames and plain values handed over by the notebook; the readers in
:mod:`pmokit.sources.status_inputs` do the file input. This package never imports the workbook
registry, the runner or the CLI: the notebook hands over the registry's deck rules and headlines.
"""
