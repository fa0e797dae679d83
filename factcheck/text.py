"""The one control-character policy for text from data files, documents and queries. Stdlib only.

C0 and C1 control characters (tab and line breaks aside) never belong in a fact-check:
data files are refused with FILE:LINE when they hold one, imported documents have them
replaced, and terminal views also drop bidirectional overrides so that nothing raw (an
escape sequence, a reordering mark) reaches a terminal.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab and line breaks
# For terminals: every control character but the newline, and the bidi overrides and marks.
TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def first_control(text: str) -> str | None:
    """The first control character in `text` (for a FILE:LINE message), or None."""
    found = CONTROL.search(text)
    return found[0] if found else None


def without_controls(text: str, replacement: str = " ") -> str:
    return CONTROL.sub(replacement, text)


def terminal_safe(text: str) -> str:
    """Control characters and bidi overrides shown as U+FFFD: nothing raw reaches the terminal."""
    return TERMINAL_UNSAFE.sub("\ufffd", text)


_CONTROL_TO_SPACE = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)], " ")
# Whole terminal escape sequences (colour codes, titles), so "\x1b[31mtrace" reads as "trace".
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def plain_question(text: str) -> str:
    """A question as one line of plain text: escape sequences dropped whole, every control character a space."""
    return _ESCAPE_SEQUENCE.sub(" ", text).translate(_CONTROL_TO_SPACE)


# Frequent function words of the languages most often mistaken for a typo-ridden English
# question (Spanish, French, German, Portuguese, Italian, Dutch), and a few words of this
# domain in them. None is an English word.
_FOREIGN_WORDS = frozenset(
    """
    el la los las del al lo se que por para una como pero porque esta este son hay puede donde cuando
    todas todos todo cada policia direcciones denunciar ninos abuso
    le les des du au est et pour dans qui avec sont une cette peut ne pas leur aux sur elle toutes tous
    chaque adresses enfants signaler
    der die das und ist nicht ich wie mit sind werden kann auch auf einer eine oder wenn jede jeden jeder
    polizei adresse kinder melden
    os nao uma com sao voce pode isso quando onde tem policia criancas
    il che della sono gli anche questo puo dove ogni polizia bambini
    het een niet van zijn ook hoe wat elke politie
    """.split()
)
_MARKS = frozenset("¿¡ñßãõ")  # letters and marks English text does not use
_LETTER = re.compile(r"[^\W\d_]")


def looks_non_english(text: str) -> bool:
    """True when a question is most likely in another language (the data covers English only).

    Either most of its letters are outside the Latin script (Cyrillic, Arabic, CJK...), or
    at least two of its words (or one and a mark such as "¿" or "ß"), and a quarter of them,
    are words of another European language.
    """
    letters = _LETTER.findall(text)
    latin = sum(1 for c in letters if c.isascii() or "\u00c0" <= c <= "\u024f")
    if letters and latin * 2 < len(letters):
        return True
    lowered = text.lower()
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z]+", plain)
    foreign = sum(1 for w in words if w in _FOREIGN_WORDS) + any(c in _MARKS for c in lowered)
    return foreign >= 2 and foreign * 4 >= len(words)


def argument_text(text: str) -> str:
    """A command-line argument as printable text: undecodable bytes (which arrive as
    surrogates) become U+FFFD, and control characters spaces, so no output echoes them raw."""
    return plain_question(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
