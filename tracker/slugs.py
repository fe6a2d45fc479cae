"""Slugs made from names: the one rule, here and in the admin's script.

"Korea–U.S. AI dialogue" is ``korea-us-ai-dialogue``: a dash of any kind (hyphen, en dash, em
dash, minus…) and a dot between two letters or digits ("AI.gov", "1.5") part words; the dots
of an initialism ("U.S.", "U.K.", "e.g.") do not, so its letters stay together. What is left
is Django's ``slugify``. ``tracker/static/tracker/admin/slugs.js`` applies the same rule
before Django's own ``URLify`` in the admin's prepopulated slug fields; keep the two in step
(tests/test_slugs.py and tests/test_browser.py check both on the same names).

A record saved with an empty slug gets one made from its name by this rule, made unique with
``-2``, ``-3``… (``fill_empty_slug``, connected in tracker/apps.py).
"""

import re

from django.utils.text import slugify

# Every dash (Unicode's "Pd" punctuation, as of Unicode 15) and the minus sign.
DASHES = (
    "-\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
    "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d"
)
_DASH = re.compile(f"[{DASHES}]")
_LETTER = r"[^\W\d_]"
_INITIALISM = re.compile(rf"(?<!\w)((?:{_LETTER}\.)+{_LETTER})(?!\w)\.?")
_INNER_DOT = re.compile(r"(?<=[^\W_])\.(?=[^\W_])")
# Letters Unicode does not decompose into a Latin letter and a mark, as the admin's URLify
# writes them (so that "Łódź" is "lodz" in both).
_LATIN = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "đ": "dj",
    }
)


def slug_for(name, max_length=200):
    """The slug of ``name``: lower-case ASCII words joined by hyphens, at most
    ``max_length`` characters, never ending in a hyphen; ``""`` if no letter or digit is
    left (a name only in Hangul, say)."""
    text = _INITIALISM.sub(lambda match: match.group(1).replace(".", ""), name or "")
    text = _INNER_DOT.sub(" ", _DASH.sub(" ", text))
    return slugify(text.translate(_LATIN))[:max_length].strip("-")


# The name each kind of record's slug is made from.
SLUG_SOURCES = {
    "tracker.event": "title",
    "tracker.organization": "name",
    "tracker.person": "name",
    "tracker.topic": "name",
    "tracker.eventtype": "name",
    "tracker.page": "title",
}


def fill_empty_slug(sender, instance, raw=False, **kwargs):
    """A pre_save receiver: give a record saved without a slug one made from its name,
    unique among its kind (``-2``, ``-3``… if taken; the kind's name if no letter is left)."""
    if raw or instance.slug:
        return
    limit = sender._meta.get_field("slug").max_length
    base = slug_for(getattr(instance, SLUG_SOURCES[sender._meta.label_lower]), limit)
    base = base or sender._meta.model_name
    stem = base[: limit - 10]  # what every candidate, suffixed and cut to fit, starts with
    taken = sender._default_manager.exclude(pk=instance.pk).filter(slug__startswith=stem)
    taken = set(taken.values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: limit - len(suffix)].rstrip("-") + suffix
    instance.slug = slug
