"""Text normalisation shared by the NLU components and the actions.

People write on phones without accents, in capitals, with stray punctuation; every
look-up (keywords, language names, country names, yes/no answers) compares the
normalised form so that "MÉXICO!!" and "mexico" are the same word.
"""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def strip_accents(text: str) -> str:
    """Remove combining marks: "avañe'ẽ" -> "avane'e", "ação" -> "acao"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Lowercase, without accents, every run of non-alphanumerics one space."""
    return _NOT_WORD.sub(" ", strip_accents(text.casefold())).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text."""
    normalized = normalize(text)
    return normalized.split() if normalized else []
