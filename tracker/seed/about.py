"""The About page's first text. Editors change it in the admin (Pages › About); this text is
written only where no About page exists (by the data migration 0013 and by load_seed)."""

SLUG = "about"
TITLE = "About the tracker"
SUMMARY = (
    "What the AI Policy Tracker records, how dates and sources work, how to report a "
    "correction, and how to cite it."
)
BODY = """\
The AI Policy Tracker is a record of AI diplomacy: who met whom, when, and what was agreed, \
with the sources behind every fact. It keeps **events**, the **organizations** and **people** \
who took part in them (and the posts they held at the time), the **topics** they were about \
and the links between them.

## What counts as an event

An event is a meeting, a visit, a summit or one of its sessions, a dialogue, a signing or an \
announcement between governments, or between governments and the organizations they work \
with, that concerns artificial intelligence and that a public source reports. A series of \
meetings, such as a working group, is recorded as an organization that takes part in each \
of its meetings.

## Dates and their precision

A date is shown exactly as precisely as the sources know it. When a source says "last \
December", the record reads *December 2023*, never 1 December 2023. Such an event still \
sorts and filters correctly: a search from 15 December 2023 finds it, because it may have \
taken place on that day. An event over several days shows its range, such as 21–22 May 2024.

## Sources and disagreements

Every published event cites at least one source. We prefer the words of the governments and \
organizations that took part (statements, readouts, joint declarations), then reporting by \
established news organizations. Where sources disagree (on a date, a name, who took part), \
the record keeps both and says so in a note beside the source, rather than choosing silently.

## Corrections

If a record is wrong or incomplete, tell the editors: give the record's address, what is \
wrong, and a source for the correction. Each record keeps its history, so every change can \
be traced and undone.

## Licence

The data (events, organizations, people, topics and the notes on sources) may be reused \
under the [Creative Commons Attribution 4.0](https://creativecommons.org/licenses/by/4.0/) \
licence: credit the AI Policy Tracker and link to the record. The quotations from sources \
remain their publishers'. The software is open source under the MIT licence.

## How to cite

Each event's page offers a citation to copy. In general: "Title of the event" (its date). \
AI Policy Tracker. The record's address (record updated on the date shown; accessed on the \
day you read it). Every view of the timeline is also a stable address, and can be \
downloaded as CSV or read through the [JSON API](/api/docs/).\
"""


def ensure_about_page(page_model):
    """Create the About page with this text unless a page with its key exists. Takes the
    model as an argument so that a migration can pass its historical model."""
    if page_model.objects.filter(slug=SLUG).exists():
        return None
    return page_model.objects.create(slug=SLUG, title=TITLE, summary=SUMMARY, body=BODY)
