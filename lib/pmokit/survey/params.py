"""Parameters of the survey_analysis workbook: the pydantic model (the single declaration of every parameter)
and its input checks, run before any kernel starts."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from pmokit.errors import InputError
from pmokit.params import InputFile, OptionalInputFile, WorkbookParams
from pmokit.sources.surveys import check_survey, read_definition, read_population

# ----------------------------------------------------------------------------- survey_analysis
SURVEY_FORMATS = (
    "msforms",
    "googleforms",
    "qualtrics",
    "qualtrics_insights",
    "qualtrics_legacy",
    "surveymonkey",
    "plain",
)

#: The check_inputs message when neither a definition file nor an inline definition is given.
NO_DEFINITION = "survey_path or survey: expected a survey definition, got neither"


class SurveyAnalysisParams(WorkbookParams):
    """Parameters of notebooks/survey_analysis.ipynb."""

    title: str = Field("Post-rollout satisfaction survey", description="report title")
    responses_path: InputFile = Field(
        description="survey export: Microsoft Forms xlsx, Google Forms csv, Qualtrics csv, SurveyMonkey csv/xlsx, or a plain table",
    )
    format: str | None = Field(
        None, description=f"force the export layout ({', '.join(SURVEY_FORMATS)}); detected when empty"
    )
    survey_path: OptionalInputFile = Field(
        None,
        description="survey definition YAML (scale, items, NPS, outcome, groups, comments, themes)",
    )
    survey: dict[str, Any] | None = Field(None, description="survey definition given inline; wins over survey_path")
    population_path: OptionalInputFile = Field(
        None,
        description="headcount per group (a group column and Headcount), for response rates",
    )
    previous_path: OptionalInputFile = Field(
        None,
        description="previous wave's export (same definition), for wave-over-wave change",
    )
    min_group_size: int = Field(5, ge=2, description="smallest group (or group x item cell) whose figures are shown")
    min_comment_group_size: int = Field(10, ge=2, description="smallest group whose comments are shown")
    response_rate_threshold_pct: float = Field(
        60.0, ge=0, le=100, description="flag groups whose response rate is below this %"
    )
    alpha: float = Field(
        0.05, gt=0, lt=1, description="false-discovery rate for group and wave comparisons (Benjamini-Hochberg)"
    )

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is not None and value not in SURVEY_FORMATS:
            raise ValueError(f"format must be one of {', '.join(SURVEY_FORMATS)}, got {value!r}")
        return value

    def check_inputs(self) -> list[str]:
        """Check the definition against each export's header and first answers, and read the headcounts.

        One message per problem: a missing column with the closest headers, a label two items share,
        an ``outcome`` that names no item (with the closest labels), an answer outside the scale.
        Only the header rows and :data:`~pmokit.sources.surveys.CHECK_SAMPLE_ROWS` responses of an
        export are read, so the check's time and memory do not grow with the export.
        """
        if self.survey_path is None and not self.survey:
            return [NO_DEFINITION]
        try:
            definition = read_definition(self.survey_path, self.survey)
        except InputError as exc:
            return [str(exc)]
        problems = []
        for path in [self.responses_path, self.previous_path]:
            if path:
                problems.extend(check_survey(path, definition, layout=self.format))
        if self.population_path:
            try:
                read_population(self.population_path, list(definition.groups))
            except InputError as exc:
                problems.append(str(exc))
        return list(dict.fromkeys(problems))  # a definition problem is found once per export: said once
