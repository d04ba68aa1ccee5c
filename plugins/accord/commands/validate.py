"""`accord validate`: every record checked against the format and its rules, and, in a
knowledge base with an mkdocs.yml, against what an engine without Accord would publish
(accord.site.guard) and what the theme's overrides may show (accord.site.theme)."""

from __future__ import annotations

import atexit
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.commands.common import EXIT_ERRORS, EXIT_OK, load
from accord.commands.project import Project


@dataclass(frozen=True)
class Validation:
    docs_dir: Path
    diagnostics: list[Any]  # accord.format.diagnostics.Diagnostic, sorted
    errors: int
    warnings: int
    records: int  # read, valid or not
    elapsed: float  # seconds

    def exit_code(self, strict: bool) -> int:
        """0 clean (warnings allowed unless strict), 1 problems."""
        return EXIT_ERRORS if self.failed(strict) else EXIT_OK

    def failed(self, strict: bool) -> bool:
        return bool(self.errors or (strict and self.warnings))


def validate(project: Project) -> Validation:
    """Every problem of the knowledge base's records (the caller has checked its folder)."""
    from accord.format.diagnostics import count

    _set_aside_at_exit()
    result = load(project, "Validating records")
    diagnostics = result.diagnostics
    if project.config_file is not None:
        from accord.site.guard import unguarded
        from accord.site.theme import theme_problems

        diagnostics = sorted(diagnostics + unguarded(result.records, project.exclude_docs, project.config_file.name)
                             + theme_problems(result.records, project.custom_dir, project.theme))
    errors, warnings = count(diagnostics)
    return Validation(project.docs_dir, diagnostics, errors, warnings, len(result.records) + result.invalid,
                      result.elapsed)


def _set_aside_at_exit() -> None:
    """At the command's end, Python's last collections would walk every object the records
    left in memory (the caches keep them), only to free what the process is about to give
    back whole: 1.1 s of the 4.8 s of `accord validate` at 10,000 records. Set aside
    (gc.freeze) at exit, they are not walked; what they hold is only read. Once a process,
    and only at its exit (under tests too)."""
    global _EXIT_HOOKED
    if not _EXIT_HOOKED:
        _EXIT_HOOKED = True
        atexit.register(gc.freeze)


_EXIT_HOOKED = False
