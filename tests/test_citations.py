"""How a reader cites the tracker's record of an event: the exact plain text, a BibTeX entry a
BibTeX parser reads back, and the RIS file with its tags, for the seed's events and for
dates known only to the month or the year."""

import datetime

import pytest
from pybtex.database import parse_string

from tracker import citations
from tracker.models import Event

UPDATED = datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC)
ACCESSED = datetime.date(2025, 6, 3)
DATES = "record updated 2 June 2025; accessed 3 June 2025"

# Every seed event, as its citation names it: the title and the dates at their precision.
SEED = [
    (
        "state-visit-2023",
        "State visit of President Yoon Suk Yeol to the United States",
        "24–29 April 2023",
    ),
    (
        "nget-dialogue-2023",
        "1st Korea–U.S. Next Generation Critical and Emerging Technologies Dialogue",
        "9 December 2023",
    ),
    (
        "ai-working-group-first-meeting-2024",
        "Korea–U.S. AI Working Group: launch and first meeting",
        "11 April 2024",
    ),
    (
        "ai-working-group-announcement-2024",
        "Launch of the Korea–U.S. AI Working Group announced",
        "12 April 2024",
    ),
    ("ai-seoul-summit-2024", "AI Seoul Summit", "21–22 May 2024"),
    ("ai-seoul-summit-2024-leaders-session", "AI Seoul Summit: leaders' session", "21 May 2024"),
    (
        "ai-seoul-summit-2024-ministers-meeting",
        "AI Seoul Summit: ministers' meeting",
        "22 May 2024",
    ),
    ("ai-global-forum-2024", "AI Global Forum", "22 May 2024"),
]


def cite(slug):
    Event.objects.filter(slug=slug).update(updated_at=UPDATED)
    event = Event.objects.get(slug=slug)
    return citations.for_event(event, f"https://tracker.example/events/{slug}/", ACCESSED)


@pytest.mark.parametrize(("slug", "title", "when"), SEED)
def test_plain_text_names_the_record_its_dates_the_site_address_and_access(
    seeded, slug, title, when
):
    assert citations.plain_text(cite(slug)) == (
        f"“{title}” ({when}). AI Policy Tracker. https://tracker.example/events/{slug}/ ({DATES})."
    )


def test_dates_known_to_the_month_or_year_are_cited_as_known(event_factory):
    event_factory(
        slug="dialogue-month",
        title="Dialogue",
        start_date=datetime.date(2023, 12, 1),
        start_precision="month",
    )
    event_factory(
        slug="talks-years",
        title="Talks",
        start_date=datetime.date(2023, 1, 1),
        start_precision="year",
        end_date=datetime.date(2024, 1, 1),
        end_precision="year",
    )
    month, years = cite("dialogue-month"), cite("talks-years")
    assert citations.plain_text(month).startswith("“Dialogue” (December 2023). ")
    assert citations.plain_text(years).startswith("“Talks” (2023–2024). ")
    assert "TI  - Dialogue (December 2023)\r\n" in citations.ris(month)
    entry = parse_string(citations.bibtex(years), "bibtex").entries["aipolicytracker:talks-years"]
    assert entry.fields["title"] == "{Talks (2023–2024)}"


def test_bibtex_is_exact_and_a_bibtex_parser_reads_it_back(seeded):
    text = citations.bibtex(cite("nget-dialogue-2023"))
    assert text == (
        "@misc{aipolicytracker:nget-dialogue-2023,\n"
        "  author = {{AI Policy Tracker}},\n"
        "  title = {{1st Korea–U.S. Next Generation Critical and Emerging Technologies"
        " Dialogue (9 December 2023)}},\n"
        "  howpublished = {AI Policy Tracker},\n"
        "  year = {2025},\n"
        "  month = jun,\n"
        "  url = {https://tracker.example/events/nget-dialogue-2023/},\n"
        "  urldate = {2025-06-03},\n"
        "  note = {Record updated 2 June 2025; accessed 3 June 2025},\n"
        "}\n"
    )
    entry = parse_string(text, "bibtex").entries["aipolicytracker:nget-dialogue-2023"]
    assert entry.type == "misc"
    # One corporate author, not a person called "Tracker, AI Policy".
    assert [str(person) for person in entry.persons["author"]] == ["{AI Policy Tracker}"]
    assert entry.fields["month"] == "June"  # the macro, expanded by the parser
    assert entry.fields["url"] == "https://tracker.example/events/nget-dialogue-2023/"
    assert entry.fields["urldate"] == "2025-06-03"


@pytest.mark.parametrize(("slug", "title", "when"), SEED)
def test_every_seed_event_parses_as_bibtex(seeded, slug, title, when):
    entry = parse_string(citations.bibtex(cite(slug)), "bibtex").entries[f"aipolicytracker:{slug}"]
    assert entry.fields["title"] == f"{{{title} ({when})}}"
    assert entry.fields["year"] == "2025"


def test_bibtex_escapes_what_latex_would_read_as_commands(event_factory):
    event_factory(slug="odd", title="R&D {budget} at 100% #1 for C_2 ~ x^2 \\ y $5")
    text = citations.bibtex(cite("odd"))
    title = parse_string(text, "bibtex").entries["aipolicytracker:odd"].fields["title"]
    assert title == (
        r"{R\&D \{budget\} at 100\% \#1 for C\_2 \textasciitilde{} x\textasciicircum{}2 "
        r"\textbackslash{} y \$5 (11 April 2024)}"
    )
    # A title cannot end the entry early: the braces of the entry stay balanced.
    assert text.count("{") - text.count("\\{") == text.count("}") - text.count("\\}")


def test_ris_is_exact_with_its_tags_and_crlf_lines(seeded):
    assert citations.ris(cite("ai-seoul-summit-2024")) == (
        "TY  - ELEC\r\n"
        "TI  - AI Seoul Summit (21–22 May 2024)\r\n"
        "AU  - AI Policy Tracker\r\n"
        "PY  - 2025\r\n"
        "DA  - 2025/06/02\r\n"
        "PB  - AI Policy Tracker\r\n"
        "UR  - https://tracker.example/events/ai-seoul-summit-2024/\r\n"
        "Y2  - 2025/06/03\r\n"
        "N1  - Record updated 2 June 2025; accessed 3 June 2025.\r\n"
        "ER  - \r\n"
    )


def test_a_title_with_line_breaks_stays_on_its_ris_line(event_factory):
    event_factory(slug="multi", title="First line\nER  - second")
    lines = citations.ris(cite("multi")).split("\r\n")
    assert lines[1] == "TI  - First line ER - second (11 April 2024)"
    assert [line for line in lines if line.startswith("ER  -")] == ["ER  - "]


def test_the_ris_file_is_downloaded_with_its_type_and_a_filename(client, seeded):
    response = client.get("/events/ai-seoul-summit-2024/cite.ris")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ai-policy-tracker-ai-seoul-summit-2024.ris"'
    )
    body = response.content.decode()
    today = citations.day(datetime.date.today())
    assert body.startswith("TY  - ELEC\r\nTI  - AI Seoul Summit (21–22 May 2024)\r\n")
    assert "UR  - http://testserver/events/ai-seoul-summit-2024/\r\n" in body
    assert f"; accessed {today}.\r\n" in body


@pytest.mark.parametrize(
    "path",
    [
        "/events/draft/cite.ris",
        "/events/nope/cite.ris",
        "/events/%00/cite.ris",
        "/events/" + "9" * 300 + "/cite.ris",
        "/events/<b>x</b>/cite.ris",
    ],
)
def test_no_citation_of_a_draft_or_an_unknown_event(client, event_factory, path):
    event_factory(slug="draft", published=False)
    assert client.get(path).status_code == 404


def test_the_event_page_shows_the_three_formats(client, seeded):
    page = client.get("/events/nget-dialogue-2023/").content.decode()
    today = citations.day(datetime.date.today())
    assert (
        "“1st Korea–U.S. Next Generation Critical and Emerging Technologies Dialogue” "
        "(9 December 2023). AI Policy Tracker. http://testserver/events/nget-dialogue-2023/ "
        "(record updated "
    ) in page
    assert f"accessed {today}).</p>" in page
    assert '<pre id="cite-bibtex"' in page and "@misc{aipolicytracker:nget-dialogue-2023," in page
    assert 'href="/events/nget-dialogue-2023/cite.ris"' in page
    assert '<script src="/static/tracker/cite.js" defer></script>' in page


def test_markup_in_a_title_is_escaped_in_the_citations_on_the_page(client, event_factory):
    event_factory(slug="xss", title="<img src=x onerror=alert(1)>")
    page = client.get("/events/xss/").content.decode()
    assert "<img src=x" not in page
    assert "“&lt;img src=x onerror=alert(1)&gt;” (11 April 2024)" in page
    assert "title = {{&lt;img src=x onerror=alert(1)&gt; (11 April 2024)}}" in page
