"""Status deck analysis: RAG rules, RAID and milestone views, week-over-week changes, the deck.

Everything here works on DataFrames and plain values handed over by the notebook; the readers in
:mod:`pmokit.sources.status` do the file input. :mod:`pmokit.status.deck` writes the PowerPoint
artefact (like :func:`pmokit.report.write_excel` writes Excel).
"""
