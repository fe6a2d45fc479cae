from tracker.jinja2 import highlight, json_ld


def test_highlight_escapes_then_marks_case_insensitively():
    assert highlight("Seoul <b>summit</b>", ["SUMMIT"]) == (
        "Seoul &lt;b&gt;<mark>summit</mark>&lt;/b&gt;"
    )


def test_highlight_never_splits_an_entity_or_marks_markup_in_terms():
    assert highlight("AT&T", ["amp"]) == "AT&amp;T"
    assert highlight("a <script> b", ["<script>"]) == "a <mark>&lt;script&gt;</mark> b"
    assert highlight("plain", []) == "plain"


def test_json_ld_escapes_what_could_close_the_script():
    html = json_ld({"name": "</script><b>&"})
    assert html.startswith('<script type="application/ld+json">')
    assert "</script><b>" not in html
    assert "\\u003C/script\\u003E\\u003Cb\\u003E\\u0026" in html
