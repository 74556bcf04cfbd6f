"""Batch execution of workbooks, in four single-job modules.

- :mod:`.specs`: which params files a target names, and validating them (nothing runs on a problem);
- :mod:`.provenance`: versions, git commit and input files with SHA-256 for ``run.json``;
- :mod:`.execute`: one run into a temporary folder, rendered, then swapped into place;
- :mod:`.batch`: ordering, the thread pool, PDFs and the index.

The run-folder names are in :mod:`pmokit.runfolder`.
"""

from pmokit.params import ParamsError
from pmokit.runner.batch import check_deck_choices, print_pdfs, run_batch, stages
from pmokit.runner.execute import KERNEL_MANAGER, execute
from pmokit.runner.provenance import disambiguate_names, git_commit
from pmokit.runner.specs import (
    ROOT,
    RunResult,
    RunSpec,
    find_params_files,
    load_spec,
    notebook_path,
    parse_overrides,
    spec_from_values,
    validate_all,
)

__all__ = [
    "KERNEL_MANAGER",
    "ROOT",
    "ParamsError",
    "RunResult",
    "RunSpec",
    "check_deck_choices",
    "disambiguate_names",
    "execute",
    "find_params_files",
    "git_commit",
    "load_spec",
    "notebook_path",
    "parse_overrides",
    "print_pdfs",
    "run_batch",
    "spec_from_values",
    "stages",
    "validate_all",
]
