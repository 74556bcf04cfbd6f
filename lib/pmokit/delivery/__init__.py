"""Delivery analysis: flow metrics, Monte Carlo forecasts and RAG rules on the work-item table.

Pure functions on DataFrames; readers live in :mod:`pmokit.sources` and charts in
:mod:`pmokit.delivery.figures`.
"""
