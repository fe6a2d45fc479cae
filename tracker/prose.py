"""Editors' prose as HTML: plain text with a few marks, escaped before anything else.

The marks, one per line's start or inside a line:

- a blank line ends a paragraph;
- ``## Heading`` (or ``### Heading``) is a heading (h2, h3);
- ``- item`` lines make a list;
- ``[words](https://address)`` is a link (``http``, ``https``, ``mailto`` or an address on
  this site starting with ``/``; anything else is left as typed);
- ``**words**`` are bold, ``*words*`` in italics.

Every character the editor typed is escaped first, by markupsafe, and only then are the
marks turned into the few elements above, so a ``<script>`` typed in the admin reaches the
page as text. Nothing here calls ``mark_safe`` on text that was not escaped.
"""

import re

from markupsafe import Markup, escape

HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*$")
ITEM = re.compile(r"^[-*]\s+(.*)$")
# Applied to escaped text, where a quote or an angle bracket has become an entity: an
# address matches only without them (``&amp;`` apart), so it cannot leave its attribute.
# A site address starts with one slash (``//host`` would be another site).
LINK = re.compile(
    r"\[([^\[\]]+)\]\(((?:https?://|mailto:|/(?!/))(?:[^\s()&]|&amp;)*)\)"
)
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*([^*\s](?:[^*]*[^*\s])?)\*(?![*\w])")


def _inline(text):
    """One line's text: escaped, then links and bold."""
    escaped = str(escape(text))
    escaped = LINK.sub(r'<a href="\2">\1</a>', escaped)
    escaped = BOLD.sub(r"<strong>\1</strong>", escaped)
    return ITALIC.sub(r"<em>\1</em>", escaped)


def render(text):
    """The HTML of ``text`` (see the module's notes), as Markup."""
    blocks = []
    paragraph, items = [], []

    def close():
        if paragraph:
            blocks.append(f"<p>{'<br>'.join(_inline(line) for line in paragraph)}</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in (text or "").replace("\r\n", "\n").replace("\x00", "").split("\n"):
        line = raw.strip()
        if not line:
            close()
            continue
        heading = HEADING.match(line)
        if heading:
            close()
            level = len(heading.group(1))
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            continue
        item = ITEM.match(line)
        if item:
            if paragraph:
                close()
            items.append(item.group(1))
            continue
        if items:
            close()
        paragraph.append(line)
    close()
    return Markup("\n".join(blocks))

