"""Events in bulk, and one event at a time: the rules for taking an event as data into the
database, with a report an editor can act on.

One importer, three doors: ``manage.py import_events`` (tracker/management/commands/), the
admin's "Import events" page (tracker/admin_import.py), and the API's event writes
(tracker/api/), which call ``write_event``. The data is an event in the API's shape
(tracker/interchange.py), or a row of the CSV export's columns, which ``reading`` turns into
that shape.

- ``reading``: files (CSV or JSON) to records, each with where it came from.
- ``checking``: every rule a record must meet, before the database would refuse it: a plan
  of what to write, or the problems, each with its place, field, value and what to fix.
- ``writing``: carries out the plans in one transaction, with history for every change.
"""

from tracker.importer.report import Problem, Report
from tracker.importer.running import Invalid, import_file, import_records, write_event

__all__ = ["Invalid", "Problem", "Report", "import_file", "import_records", "write_event"]
