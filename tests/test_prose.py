"""Editors' prose (the About page): a few marks, and every character typed escaped first."""

import pytest

from tracker.prose import render


def test_paragraphs_headings_lists_links_and_emphasis():
    text = (
        "## Dates\n"
        "A date reads *December 2023*,\nnever **1 December**.\n\n"
        "- one [source](https://example.org/a?b=1&c=2)\n"
        "- the [API](/api/docs/) or [mail](mailto:editors@example.org)\n"
        "### Small\n"
        "end"
    )
    assert render(text) == (
        "<h2>Dates</h2>\n"
        "<p>A date reads <em>December 2023</em>,<br>never <strong>1 December</strong>.</p>\n"
        '<ul><li>one <a href="https://example.org/a?b=1&amp;c=2">source</a></li>'
        '<li>the <a href="/api/docs/">API</a> or <a href="mailto:editors@example.org">mail</a>'
        "</li></ul>\n"
        "<h3>Small</h3>\n"
        "<p>end</p>"
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("[x](//evil.example/)", "<p>[x](//evil.example/)</p>"),
        (
            '[x](https://a.example/" onclick="y)',
            "<p>[x](https://a.example/&#34; onclick=&#34;y)</p>",
        ),
        (
            "[<b>x</b>](https://a.example/)",
            '<p><a href="https://a.example/">&lt;b&gt;x&lt;/b&gt;</a></p>',
        ),
        ("2 * 3 * 4 and a*b*c", "<p>2 * 3 * 4 and a*b*c</p>"),
        ("nul\x00here", "<p>nulhere</p>"),
        ("", ""),
    ],
)
def test_what_an_editor_types_is_never_markup(typed, shown):
    assert render(typed) == shown
