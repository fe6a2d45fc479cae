"""What an import did, or would do: the lists an editor reads before confirming."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

MAX_VALUE_SHOWN = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: where it is, which field, the value, what to do."""

    where: str  # "line 14" (CSV) or "item 3" (JSON)
    field: str
    value: str
    message: str

    def __str__(self):
        value = self.value.replace("\x00", "")
        if len(value) > MAX_VALUE_SHOWN:
            value = value[: MAX_VALUE_SHOWN - 1] + "…"
        shown = f' "{value}"' if value else ""
        return f"{self.where}, {self.field}:{shown} {self.message}"


@dataclass
class Report:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # places of records left out
    missing_created: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sources_created: int = 0
    written: bool = False
    dry_run_done: bool = False  # a dry run went through the writing and rolled it back
    valid: int = 0  # records without problems

    @property
    def has_errors(self):
        return bool(self.problems)

    def lines(self):
        """The report as plain lines, for the terminal (the admin page shows the same)."""
        would = "" if self.written else "would be "
        lines = []
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s) found:")
            lines += [f"  {problem}" for problem in self.problems]
            if not self.written and not self.skipped:
                lines.append("Nothing was written: fix the problems and import again.")
        for what, slugs in (
            (f"{would}created", self.created),
            (f"{would}updated", self.updated),
            ("unchanged", self.unchanged),
        ):
            if slugs:
                lines.append(f"{what.capitalize()} ({len(slugs)}):")
                lines += [f"  {slug}" for slug in slugs]
        for kind, slugs in sorted(self.missing_created.items()):
            lines.append(f"New {kind} records {would}created from their keys ({len(slugs)}):")
            lines += [f"  {slug}" for slug in slugs]
        if self.sources_created:
            lines.append(f"New sources {would}created: {self.sources_created}.")
        if self.skipped:
            lines.append(f"Left out, because of their problems: {', '.join(self.skipped)}.")
        lines.append(self.summary())
        return lines

    def summary(self):
        if self.problems and not self.written and not self.skipped and not self.dry_run_done:
            places = len({problem.where for problem in self.problems})
            return (
                f"Nothing written: {len(self.problems)} problem(s) in {places} place(s); "
                f"{self.valid} row(s) without problems."
            )
        mode = "Dry run, nothing written" if self.dry_run else "Written"
        return (
            f"{mode}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.problems)} problem(s)."
        )
