"""Vietnamese alphabetical order, for lists an owner reads top to bottom (the 102 wards and communes).

Written here because no maintained pure-Python library fits: PyICU (CLDR's Vietnamese collation) needs a
compiler and libicu headers on every machine, and pyuca implements only the default Unicode order, which
files ă, â, ê, ô, ơ, ư under a, e, o, u as accented forms instead of the letters after them. The order
follows CLDR's Vietnamese tailoring: the letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
(f j w z where foreign words have them) decide first, then the tones, in the order no mark, grave, hook,
tilde, acute, dot below; case is ignored.
"""

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET, start=20)}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter_and_tone(char: str) -> tuple[int, int]:
    decomposed = unicodedata.normalize("NFD", char.lower())
    tone = 0
    letter = decomposed[0]
    for mark in decomposed[1:]:
        if mark in _TONE_RANK:
            tone = _TONE_RANK[mark]
        else:
            letter += mark  # breve, circumflex, horn: part of the letter
    letter = unicodedata.normalize("NFC", letter)
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter], tone
    if letter.isdigit():
        return 10 + int(letter), 0
    if letter.isspace() or not letter.isalnum():
        return 0, 0
    return 100 + ord(letter), tone


def vietnamese_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A key for ``sorted``: letters first (the whole string), then tones, as a Vietnamese dictionary does."""
    pairs = [_letter_and_tone(char) for char in unicodedata.normalize("NFC", text.strip())]
    return tuple(p for p, _t in pairs), tuple(t for _p, t in pairs)
