"""The survey definition: scale, items, NPS question, outcome, groups and comment questions.

The definition is plain data (a mapping from the params or a YAML file read by
:func:`pmokit.sources.surveys.read_definition`); this module validates it and says clearly what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from pmokit.errors import InputError

DEFAULT_NOT_APPLICABLE = ("Not applicable", "N/A", "NA", "Don't know", "Prefer not to say", "No basis for evaluation")


@dataclass(frozen=True)
class Item:
    """One Likert item: where to find it (an exact header or a regex pattern), its short label and theme."""

    label: str
    column: str | None = None
    pattern: str | None = None
    theme: str = ""


@dataclass
class SurveyDefinition:
    """What the export's columns mean.

    Attributes
    ----------
    scale : list of str
        Scale points from least to most favourable, as labels or numeric codes (as text).
    favourable_top : int
        How many top points count as favourable (2 on a 5-point scale).
    unfavourable_bottom : int
        How many bottom points count as unfavourable (defaults to ``favourable_top``).
    not_applicable : list of str
        Answers that are no scale point (excluded from every percentage, counted apart).
    items : list of Item
    nps : str or None
        Header (or question text) of the 0-10 recommendation question.
    outcome : str or None
        Label of the item used as outcome in the driver analysis (default: the NPS question).
    groups : dict
        Group name shown in the report -> header of the column holding it.
    comments : dict
        Comment label -> header of a free-text question.
    comment_themes : dict
        Theme -> keywords (case-insensitive substrings) for tagging comments.
    recode : dict
        Answer as found -> answer meant, applied to every Likert and group answer before it is
        read (``{"25-Jun": "6-25"}`` undoes a band Excel turned into a date). Matched after
        trimming, case-insensitively.
    source : str or None
        The YAML file the definition came from (named in errors), None when given inline.
    """

    scale: list[str]
    items: list[Item]
    favourable_top: int = 2
    unfavourable_bottom: int | None = None
    not_applicable: list[str] = field(default_factory=lambda: list(DEFAULT_NOT_APPLICABLE))
    nps: str | None = None
    outcome: str | None = None
    groups: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    comment_themes: dict[str, list[str]] = field(default_factory=dict)
    recode: dict[str, str] = field(default_factory=dict)
    source: str | None = None

    @property
    def points(self) -> int:
        """Number of scale points."""
        return len(self.scale)

    @property
    def bottom(self) -> int:
        """Number of bottom points counted unfavourable."""
        return self.unfavourable_bottom if self.unfavourable_bottom is not None else self.favourable_top


_KEYS = {
    "scale",
    "favourable_top",
    "unfavourable_bottom",
    "not_applicable",
    "items",
    "nps",
    "outcome",
    "groups",
    "comments",
    "comment_themes",
    "recode",
}


def _named(value: Any, what: str, source: str | None) -> dict[str, str]:
    """A list of headers or a mapping label -> header, as a mapping."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {value: value}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(v): str(v) for v in value}
    raise InputError(source, what, "a list of column headers or a mapping label -> header", repr(value))


def _item(entry: Any, source: str | None, position: int) -> Item:
    if isinstance(entry, str):
        return Item(label=entry, column=entry)
    if not isinstance(entry, Mapping):
        raise InputError(
            source, f"items[{position}]", "a header or a mapping with column/pattern, label, theme", repr(entry)
        )
    column, pattern = entry.get("column"), entry.get("pattern")
    if not column and not pattern:
        raise InputError(source, f"items[{position}]", "a 'column' or a 'pattern'", f"keys {sorted(entry)}")
    label = str(entry.get("label") or column or pattern)
    return Item(
        label=label,
        column=str(column) if column else None,
        pattern=str(pattern) if pattern else None,
        theme=str(entry.get("theme") or ""),
    )


def parse_definition(data: Mapping[str, Any], source: str | None = None) -> SurveyDefinition:
    """Validate a survey definition mapping.

    Parameters
    ----------
    data : mapping
        The ``survey:`` mapping (keys: scale, items, favourable_top, unfavourable_bottom,
        not_applicable, nps, outcome, groups, comments, comment_themes, recode).
    source : str, optional
        The YAML file it came from, named in errors.

    Raises
    ------
    InputError
        Unknown key, a scale with fewer than 3 points, no items, duplicate item labels, a
        favourable/unfavourable band that overlaps.

    Examples
    --------
    >>> d = parse_definition({"scale": ["No", "Maybe", "Yes"], "favourable_top": 1, "items": ["Q1"]})
    >>> d.points, d.items[0].label
    (3, 'Q1')
    """
    if not isinstance(data, Mapping):
        raise InputError(source, "survey", "a mapping with scale and items", type(data).__name__)
    unknown = set(data) - _KEYS
    if unknown:
        raise InputError(source, sorted(unknown)[0], f"one of the keys {', '.join(sorted(_KEYS))}", "an unknown key")
    scale = [str(s).strip() for s in data.get("scale") or []]
    if len(scale) < 3 or len({s.lower() for s in scale}) != len(scale):
        raise InputError(source, "scale", "at least 3 distinct scale points, least favourable first", repr(scale))
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list) or not raw_items:
        raise InputError(source, "items", "a non-empty list of Likert items", repr(raw_items))
    items = [_item(entry, source, i) for i, entry in enumerate(raw_items)]
    labels = [i.label for i in items]
    duplicates = sorted({lab for lab in labels if labels.count(lab) > 1})
    if duplicates:
        raise InputError(source, "items", "unique item labels", f"{duplicates[0]!r} more than once")
    top = int(data.get("favourable_top", 2))
    bottom = data.get("unfavourable_bottom")
    bottom = int(bottom) if bottom is not None else top
    if top < 1 or bottom < 1 or top + bottom > len(scale):
        raise InputError(
            source,
            "favourable_top",
            f"top and bottom bands that fit in {len(scale)} points",
            f"top {top}, bottom {bottom}",
        )
    themes = data.get("comment_themes") or {}
    if not isinstance(themes, Mapping):
        raise InputError(source, "comment_themes", "a mapping theme -> list of keywords", repr(themes))
    recode = data.get("recode") or {}
    if not isinstance(recode, Mapping) or any(isinstance(v, (Mapping, list)) for v in recode.values()):
        raise InputError(source, "recode", "a mapping answer as found -> answer meant", repr(recode))
    na = data.get("not_applicable")
    return SurveyDefinition(
        scale=scale,
        items=items,
        favourable_top=top,
        unfavourable_bottom=bottom,
        not_applicable=[str(v) for v in na] if na is not None else list(DEFAULT_NOT_APPLICABLE),
        nps=str(data["nps"]) if data.get("nps") else None,
        outcome=str(data["outcome"]) if data.get("outcome") else None,
        groups=_named(data.get("groups"), "groups", source),
        comments=_named(data.get("comments"), "comments", source),
        comment_themes={str(k): [str(w) for w in (v or [])] for k, v in themes.items()},
        recode={str(k).strip(): str(v).strip() for k, v in recode.items()},
        source=source,
    )
