"""Batch execution of workbooks, in four single-job modules.

- :mod:`.specs`: which params files a target names, and validating one (every problem, one line each);
- :mod:`.provenance`: versions, git commit and input files with SHA-256 for ``run.json``;
- :mod:`.execute`: one run into a temporary folder, rendered, then swapped into place;
- :mod:`.batch`: validating a whole batch (the valid runs run), ordering, the thread pool, PDFs, the
  index, and stopping cleanly on a signal.

The run-folder names are in :mod:`pmokit.runfolder`.
"""

from pmokit.params import ParamsError
from pmokit.runner.batch import (
    BatchResults,
    Interrupted,
    InvalidRun,
    OutputFolderError,
    Validation,
    check_deck_choices,
    prepare_output,
    print_pdfs,
    run_batch,
    stages,
    sweep_debris,
    validate_batch,
)
from pmokit.runner.execute import KERNEL_MANAGER, STOPPED, execute
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
    "STOPPED",
    "BatchResults",
    "Interrupted",
    "InvalidRun",
    "OutputFolderError",
    "ParamsError",
    "RunResult",
    "RunSpec",
    "Validation",
    "check_deck_choices",
    "disambiguate_names",
    "execute",
    "find_params_files",
    "git_commit",
    "load_spec",
    "notebook_path",
    "parse_overrides",
    "prepare_output",
    "print_pdfs",
    "run_batch",
    "spec_from_values",
    "stages",
    "sweep_debris",
    "validate_all",
    "validate_batch",
]
