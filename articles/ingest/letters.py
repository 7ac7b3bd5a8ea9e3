"""Letters of either case, and capitals inside a word: what tells a name's own capitals
("McConnell", "O'Rourke") from words run together when scraping lost a separator
("BoltonTrump")."""

import re


def _letters(case) -> str:
    """A regular-expression class body of the letters of one case. Python's re has no class
    for "an upper-case letter": this spells one out for the alphabets a name in Latin, Greek or
    Cyrillic letters uses, Latin Extended and Vietnamese's letters included."""
    return "".join(re.escape(chr(code)) for code in range(0x2000) if case(chr(code)))


# Use as "[{UPPER}]" and "[{LOWER}]" where "[A-Z]" and "[a-z]" would miss "Ł" and "ñ".
UPPER = _letters(str.isupper)
LOWER = _letters(str.islower)


# Capitals inside a surname after these prefixes are the name's own: McConnell, MacArthur,
# DeSantis, LaHood, DiNapoli, VanDerWerff, FitzGerald ("OBrien" has no lower-case letter
# before its capital, so it needs no prefix here).
_SURNAME_PREFIXES = r"(?:Mc|Mac|Fitz|Del|Della|De|Der|Di|Da|Du|La|Le|Lo|Van|Von|St)"
_ENDS_WITH_PREFIX = re.compile(rf"(?:^|(?<=[{LOWER}])){_SURNAME_PREFIXES}$")
INNER_CAPITAL = re.compile(rf"[{LOWER}][{UPPER}]")


def run_together_word(word: str) -> bool:
    """A capital straight after a lower-case letter inside a word ("BoltonTrump",
    "ClintonDemocrats"): two words whose separator was lost, as in the related-links lists
    scraping runs together. Surname prefixes (McConnell, DeSantis) are not a lost separator."""
    for part in re.split(r"[-'’.]", word):
        if INNER_CAPITAL.search(part) and not _prefixed_surname(part):
            return True
    return False


def _prefixed_surname(part: str) -> bool:
    """Every inner capital of `part` follows one of the surname prefixes."""
    for match in INNER_CAPITAL.finditer(part):
        if not _ENDS_WITH_PREFIX.search(part[: match.start() + 1]):
            return False
    return True


def title_case(word: str) -> bool:
    """"Peña", "O'Rourke", "Okonjo-Iweala", "McCain": a capital, then the word's own letters."""
    parts = re.split(r"[-'’]", word)
    return word[:1].isupper() and all(
        part[:1].isupper() and (
            part[1:].islower() or (_prefixed_surname(part) and not part.isupper())
        )
        for part in parts if len(part) > 1
    )
