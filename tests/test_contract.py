"""The seams of the workbook contract: import direction, no cycles, the registry's completeness,
and one colour per figure between each workbook and the status deck."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from pmokit import bands, workbooks
from pmokit.status import rag

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib"
AREAS = ("compliance", "delivery", "rollout", "status", "survey", "workspace")
SPINE_ONLY = ("pmokit.runner", "pmokit.cli", "pmokit.workbooks", "pmokit.index", "pmokit.render")


def _module_name(path: Path) -> str:
    parts = path.relative_to(LIB).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((LIB / "pmokit").rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """Every pmokit module a module imports (anywhere in it), with the packages those pull in."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue  # imports for annotations only never run
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        for target in targets:
            if not target.startswith("pmokit"):
                continue
            while target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            parts = target.split(".")
            found.add(target)
            # importing pmokit.a.b runs pmokit/a/__init__.py first, unless this module is inside pmokit.a
            # (then that package is already being initialised)
            found.update(".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) not in own)
    return found - {name, "pmokit"}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_import_walk_sees_real_imports() -> None:
    """A check of the checker: known edges are found."""
    assert "pmokit.bands" in GRAPH["pmokit.report"]
    assert "pmokit.params" in GRAPH["pmokit.workbooks"]


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """A cycle of the graph as a path that returns to its start, or [] (depth-first search)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt in graph and not state.get(nxt):
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for module in sorted(graph):
        if not state.get(module):
            cycle = visit(module)
            if cycle:
                return cycle
    return []


def test_find_cycle_finds_one() -> None:
    """A check of the checker: a -> b -> c -> a is found; a tree is not a cycle."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle() -> None:
    """No pmokit module reaches itself through pmokit's own imports."""
    cycle = find_cycle(GRAPH)
    assert cycle == [], "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("area", AREAS + ("sources",))
def test_analysis_and_readers_never_import_the_spine(area: str) -> None:
    """Areas and readers know nothing of the runner, the CLI, the index, rendering or the registry."""
    bad = {
        module: sorted(t for t in targets if t.startswith(SPINE_ONLY))
        for module, targets in GRAPH.items()
        if module == f"pmokit.{area}" or module.startswith(f"pmokit.{area}.")
    }
    assert {m: t for m, t in bad.items() if t} == {}


def test_readers_never_import_an_area() -> None:
    found = {
        module: sorted(t for t in targets if t.split(".")[1] in AREAS)
        for module, targets in GRAPH.items()
        if module.startswith("pmokit.sources")
    }
    assert {m: t for m, t in found.items() if t} == {}


# ----------------------------------------------------------------------------- the registry
def test_every_workbook_has_its_parts() -> None:
    """One package with params/assess/figures, one notebook, one sample params file per workbook."""
    for wb in [w for w in workbooks.registry if w.package.startswith("pmokit.")]:  # not the tests' probes
        package = LIB / Path(*wb.package.split("."))
        for role in ("params.py", "assess.py", "figures.py"):
            assert (package / role).is_file(), f"{wb.id}: {package.name}/{role} missing"
        assert wb.notebook_path().is_file(), wb.id
        assert wb.sample_params().is_file(), wb.id
        assert wb.headline, wb.id


def test_deck_rules_name_rated_figures() -> None:
    """Each deck rule names the verdict or a figure the workbook rates with a band."""
    for wb in workbooks.registry:
        rated = set(wb.default_bands())
        for rule in wb.deck:
            assert rule.metric == "verdict" or rule.metric in rated, f"{wb.id}: deck rule {rule.metric} has no band"


def _sweep(band: bands.Band) -> list:
    """Values just either side of and on each threshold, and nothing."""
    values: list = [None]
    for t in (band.amber, band.red):
        if isinstance(t, dt.date):
            values += [t - dt.timedelta(days=1), t, t + dt.timedelta(days=1)]
        else:
            step = max(abs(t) * 0.01, 0.01)
            values += [t - step, t, t + step]
    return values


def _deck_colour(workbook: str, metric: str, recorded: dict) -> str:
    rule = rag.RagRule(workstream="W", dimension="quality", metric=f"{workbook}.{metric}")
    values = {f"{workbook}.{k}": v for k, v in recorded.items()}
    return rag.evaluate(rule, values)["rag"]


@pytest.mark.parametrize("wb", [w for w in workbooks.registry if w.deck], ids=lambda w: w.id)
def test_report_and_deck_give_one_colour(wb) -> None:
    """For every figure the deck shows, sweep values across the band's thresholds: the colour the
    workbook records (its tile's colour) is the colour the deck shows."""
    for rule in wb.deck:
        band = wb.default_bands().get(rule.metric)
        if band is None:
            continue  # the verdict: its colour is recorded as verdict_rag, checked in the notebook tests
        for value in _sweep(band):
            rating = band.rate(value)
            recorded = {rule.metric: value, f"{rule.metric}_rag": rating.rag}
            assert _deck_colour(wb.id, rule.metric, recorded) == rating.rag, (wb.id, rule.metric, value)


@pytest.mark.parametrize("wb", list(workbooks.registry), ids=lambda w: w.id)
def test_no_evidence_is_grey_never_green_on_every_ladder(wb) -> None:
    """Every band of every workbook: a figure with no evidence (None, NaN, pandas' NA) is grey, with a
    reason a reader can act on, and the deck shows that same grey, never a colour of its own."""
    import math

    import pandas as pd

    for metric, band in wb.default_bands().items():
        for missing in (None, math.nan, pd.NA):
            rating = band.rate(missing)
            assert rating.rag == "grey", (wb.id, metric, missing, rating)
            assert rating.reason and "nan" not in rating.reason.lower(), (wb.id, metric, rating.reason)
            recorded = {metric: None, f"{metric}_rag": rating.rag}
            if any(rule.metric == metric for rule in wb.deck):
                assert _deck_colour(wb.id, metric, recorded) == "grey", (wb.id, metric)
