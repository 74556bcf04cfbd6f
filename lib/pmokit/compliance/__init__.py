"""Device compliance analysis (Intune): scope, exceptions, baseline, aging, roll-ups.

Modules: :mod:`.params` (parameters and input checks), :mod:`.metrics` (scope, rates, exceptions,
baseline), :mod:`.history` (aging, SLA, trend), :mod:`.devices` (:func:`~.devices.prepare` chains
them into one device table), :mod:`.rollups` (the report's tables), :mod:`.assess` (the whole
report computed once) and :mod:`.figures` (drawing). This package module imports none of them, so
that importing one never runs the others.
"""
