/* The admin's prepopulated slugs, made by the tracker's rule (tracker/slugs.py, slug_for):
   "Korea–U.S. AI dialogue" gives "korea-us-ai-dialogue", not "koreaus-ai-dialogue".
   A dash of any kind and a dot between two letters or digits part words; the dots of an
   initialism ("U.S.", "e.g.") do not. The rest is Django's own URLify (admin/js/urlify.js),
   which this wraps: prepopulate.js calls window.URLify whenever the name changes. */
'use strict';
{
    const djangoURLify = window.URLify;
    const DASH = /[-\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d]/gu;
    const INITIALISM = /(?<![\p{L}\p{N}_])((?:\p{L}\.)+\p{L})(?![\p{L}\p{N}_])\.?/gu;
    const INNER_DOT = /(?<=[\p{L}\p{N}])\.(?=[\p{L}\p{N}])/gu;

    function separateWords(text) {
        return text
            .replace(INITIALISM, (match, letters) => letters.replace(/\./g, ''))
            .replace(DASH, ' ')
            .replace(INNER_DOT, ' ');
    }

    if (typeof djangoURLify === 'function') {
        window.URLify = function(text, maxLength, allowUnicode) {
            return djangoURLify(separateWords(text), maxLength, allowUnicode);
        };
    }
}
