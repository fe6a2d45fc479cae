"""The importer's entry points: a whole file, a list of records, or one event (the API)."""

from __future__ import annotations

from django.db import DatabaseError, transaction

from tracker.importer.checking import MISSING_KINDS, Checker, Lookups
from tracker.importer.reading import Unreadable, read_file
from tracker.importer.report import Problem, Report
from tracker.importer.writing import Writer
from tracker.models import Event


class Invalid(Exception):
    """A record breaks the rules. ``errors`` is ``{field: [message, ...]}``, as a 400 says."""

    def __init__(self, problems):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems
        self.errors = {}
        for problem in problems:
            shown = f'"{problem.value[:60]}" ' if problem.value else ""
            self.errors.setdefault(problem.field, []).append(f"{shown}{problem.message}")


def refused(error):
    text = str(error).strip()
    first_line = text.splitlines()[0][:200] if text else type(error).__name__
    return f"was refused by the database ({first_line}); nothing was written."


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _no_progress(iterable, **kwargs):
    return iterable


def import_file(name, content, **options):
    """Import a file's bytes (CSV, or JSON when it looks like JSON); see import_records."""
    try:
        records, problems = read_file(name, content)
    except Unreadable as error:
        report = Report(dry_run=options.get("dry_run", False))
        report.problems.append(Problem("file", name, "", str(error)))
        return report
    return import_records(records, reading_problems=problems, **options)


def import_records(
    records,
    *,
    user=None,
    create_missing=False,
    dry_run=False,
    skip_invalid=False,
    drafts=False,
    reason="Imported",
    reading_problems=(),
    progress=_no_progress,
):
    """Check every record, then write them all in one transaction, or nothing if any has a
    problem (unless ``skip_invalid``: then the others are written). A dry run writes and rolls
    back, so its report is exactly what the import would do. Slugs are the keys: a record
    whose slug exists updates that event; the others create one."""
    report = Report(dry_run=dry_run)
    report.problems.extend(reading_problems)
    lookups = Lookups(records)
    records = _without_repeated_slugs(records, report)
    failed = set()
    while True:  # again without the records that failed, when they are to be skipped
        lookups.file_slugs = {
            data.get("slug")
            for where, data in records
            if where not in failed and isinstance(data.get("slug"), str)
        }
        checker = Checker(lookups, create_missing=create_missing, drafts=drafts)
        plans, problems = [], []
        for where, data in progress(records, desc="Checking", unit=" rows"):
            if where in failed:
                continue
            plan, found = checker.check(where, data)
            if found:
                problems += found
            else:
                plans.append(plan)
        newly_failed = {problem.where for problem in problems}
        if not skip_invalid or not newly_failed:
            break
        failed |= newly_failed
        report.problems += problems
        report.skipped += sorted(newly_failed, key=_place_order)
    if not skip_invalid:
        report.problems += problems
    report.problems.sort(key=lambda problem: _place_order(problem.where))
    report.valid = len(plans)
    if report.problems and not skip_invalid:
        return report
    writer = Writer(checker, user=user, reason=reason)
    if (
        create_missing
        and user is not None
        and not all(
            user.has_perm(f"tracker.add_{model._meta.model_name}")
            for model in MISSING_KINDS.values()
        )
    ):
        report.problems.append(
            Problem(
                "file",
                "create missing",
                "",
                "needs the permission to add organizations, people, event types and topics.",
            )
        )
        return report
    try:
        with transaction.atomic():
            report.created, report.updated, report.unchanged = writer.write(plans)
            for kind, slugs in checker.missing.items():
                if slugs:
                    report.missing_created[kind] = sorted(slugs)
            report.sources_created = writer.sources_created
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.dry_run_done = True
    except DatabaseError as error:  # what the rules did not foresee: reported, never a crash
        report.problems.append(Problem("file", "database", "", refused(error)))
        return report
    report.written = not dry_run
    return report


def _without_repeated_slugs(records, report):
    first = {}
    kept = []
    for where, data in records:
        slug = data.get("slug") if isinstance(data, dict) else None
        if isinstance(slug, str) and slug in first:
            report.problems.append(
                Problem(where, "slug", slug, f"appears again: it is first at {first[slug]}.")
            )
            continue
        if isinstance(slug, str):
            first[slug] = where
        kept.append((where, data))
    return kept


def _place_order(where):
    kind, _, number = where.partition(" ")
    return (kind, int(number) if number.isdigit() else 0)


def write_event(data, *, user=None, instance=None, partial=False, reason=""):
    """Create (``instance`` None) or update one event from the API's shape, by the import's
    rules; ``partial`` changes only the keys given. Raises Invalid; returns the event."""
    if not isinstance(data, dict):
        raise Invalid([Problem("event", "non_field_errors", "", "must be a JSON object.")])
    # "updated_at" says when the record last changed here: an API client does not set it.
    data = {key: value for key, value in data.items() if key != "updated_at"}
    lookups = Lookups([("event", data)])
    slug = data.get("slug") if isinstance(data.get("slug"), str) else None
    if instance is not None:
        lookups.events[instance.slug] = instance
    lookups.file_slugs = {instance.slug if instance else slug} - {None}
    checker = Checker(lookups, partial=partial)
    if instance is None and isinstance(slug, str) and slug in lookups.events:
        raise Invalid([Problem("event", "slug", slug, "is taken by another event.")])
    plan, problems = checker.check("event", data, instance=instance)
    if problems:
        raise Invalid(problems)
    if checker.new_sources and user is not None and not user.has_perm("tracker.add_source"):
        raise Invalid(
            [Problem("event", "sources", "", "names new sources, and you may not add sources.")]
        )
    try:
        with transaction.atomic():
            Writer(checker, user=user, reason=reason).write([plan])
    except DatabaseError as error:
        raise Invalid([Problem("event", "non_field_errors", "", refused(error))]) from error
    return Event.objects.get(slug=plan.slug)
