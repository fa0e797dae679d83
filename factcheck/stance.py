"""Does the user's wording negate the claim it matched? Pure, no I/O.

A verdict rates the entry's claim, not the input. When the input says the opposite of
that claim by plain negation ("police do NOT trace every IP" against "Police trace every
IP address..."), front ends say so, so that a FALSE badge is not read as rating the
user's own sentence. Only explicit negation on one side counts; a different subject
("NCMEC runs it" against "The FBI runs it") is not detected, and a negative yes/no
question ("isn't the CyberTipline run by the FBI?") asks the same thing as the positive one.
"""

from __future__ import annotations

import re

_NEGATION = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|neither|nor|cannot|without|no\s+longer|hardly|"
    r"\w+n['\u2019]t|cant|wont|dont|doesnt|didnt|isnt|arent|wasnt|werent|hasnt|havent|shouldnt|"
    r"couldnt|wouldnt|aint|myth|false|fake|untrue|lie)\b",
    re.IGNORECASE,
)
# A yes/no question opened by a negative auxiliary asks the positive question.
_NEGATIVE_QUESTION = re.compile(
    r"^\s*(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have)(?:n['\u2019]?t)\b"
    r"|^\s*(?:is|are|do|does|can)\s+it\s+not\b",
    re.IGNORECASE,
)
# "not only", "no doubt" and the like do not reverse a sentence.
_IDIOMS = re.compile(r"\bnot\s+only\b|\bno\s+doubt\b|\bnot\s+just\b|\bno\s+matter\b", re.IGNORECASE)


def negations(text: str) -> int:
    """How many negating words `text` contains, idioms and negative yes/no openers aside."""
    text = _IDIOMS.sub(" ", text)
    opener = _NEGATIVE_QUESTION.match(text)
    if opener:
        text = text[opener.end() :]
    return len(_NEGATION.findall(text))


def is_opposite(wording: str, claim: str) -> bool:
    """True when exactly one of the two is negated (an odd number of negations apart)."""
    return (negations(wording) % 2) != (negations(claim) % 2)


# In a statement, words that deny what follows them ("rather than trace every IP", "lacks bans")
# count besides the negations above; "without" states a condition there ("double without
# measures"), and negations joined by and/or/nor ("do not - and cannot - trace", "impractical
# and not how") deny one thing.
_DENIAL = re.compile(
    r"\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to|lacks?|lacking|lacked|impractical|impossible|unable|"
    r"fail(?:s|ed)?\s+to|constrain(?:s|ed)?|prevent(?:s|ed)?)\b",
    re.IGNORECASE,
)
_COORDINATION = re.compile(r"^[\s,\u2013\u2014-]*(?:and|or|nor)\b\W*(?:\w+\W+){0,2}$", re.IGNORECASE)


def denials(text: str) -> int:
    """How many times a statement denies something: negations and denials, coordinated ones once."""
    text = _IDIOMS.sub(" ", text)
    spans = sorted(
        [m.span() for m in _NEGATION.finditer(text) if m[0].casefold() != "without"]
        + [m.span() for m in _DENIAL.finditer(text)]
    )
    count, end = 0, -1
    for start, stop in spans:
        if end < 0 or not _COORDINATION.match(text[end:start]):
            count += 1
        end = stop
    return count


def negated(text: str) -> bool:
    """Does a statement deny what it says (an odd number of denials)?"""
    return denials(text) % 2 == 1
