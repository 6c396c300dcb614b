"""Language evidence for choosing a code page: which alphabet the decoded letters belong to.

A wrong single-byte code page still yields letters, but letters no one language writes together:
Czech read as cp1250 instead of ISO-8859-2 turns "šest" into "ąest" (a Polish letter beside Czech
"ř" and "ů"), Russian KOI8-R read as cp1251 keeps the Cyrillic script but scrambles which letters
are common. So a decoding is judged by the best single language that explains it: the share of its
non-ASCII letters in that language's alphabet, and for non-Latin scripts the share of its letters
among that language's most frequent ones (charset-normalizer's frequency tables).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

# Letters beyond ASCII that each language writes (lower case; upper case is derived).
LATIN: dict[str, str] = {
    "french": "àâæçéèêëîïôœùûüÿ",
    "german": "äöüß",
    "spanish": "áéíñóúü",
    "portuguese": "áâãàçéêíóôõú",
    "italian": "àèéìíîòóùú",
    "catalan": "àçèéíïòóúü",
    "dutch": "áéèëïóöü",
    "danish": "æøåéó",
    "swedish": "åäöé",
    "finnish": "äöå",
    "icelandic": "áðéíóúýþæö",
    "polish": "ąćęłńóśźż",
    "czech": "áčďéěíňóřšťúůýž",
    "slovak": "áäčďéíĺľňóôŕšťúýž",
    "hungarian": "áéíóöőúüű",
    "romanian": "ăâîșțşţ",
    "croatian": "čćđšž",
    "slovene": "čšž",
    "turkish": "çğıöşüâîû",
    "azerbaijani": "çəğıöşü",
    "lithuanian": "ąčęėįšųūž",
    "latvian": "āčēģīķļņšūž",
    "estonian": "äöõüšž",
    "albanian": "çë",
    "maltese": "ċġħżàèìòù",
    "esperanto": "ĉĝĥĵŝŭ",
    "welsh": "âêîôûŵŷ",
    "vietnamese": "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
}

# Languages that share code pages: a list of names from all over Western Europe is one cp1252 file,
# so a reading that fits a region (almost) as well as one language is plausible too.
REGIONS: dict[str, list[str]] = {
    "western": [
        "french",
        "german",
        "spanish",
        "portuguese",
        "italian",
        "catalan",
        "dutch",
        "danish",
        "swedish",
        "finnish",
        "icelandic",
        "albanian",
        "welsh",
    ],
    "central": ["polish", "czech", "slovak", "hungarian", "romanian", "croatian", "slovene"],
    "baltic": ["lithuanian", "latvian", "estonian"],
}
REGION_FACTOR = 0.9

# Only languages with a frequency table: within a script the alphabet alone cannot tell code pages apart.
OTHER: dict[str, str] = {
    "russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "kazakh": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    "greek": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
    "hebrew": "אבגדהוזחטיכךלמםנןסעפףצץקרשת",
    "arabic": "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي",
    "farsi": "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیءأؤئة",
    "thai": "".join(chr(c) for c in range(0x0E01, 0x0E4F)),
}

# charset-normalizer's names for the frequency tables of the non-Latin languages above.
_FREQUENCY_NAMES = {
    "russian": "Russian",
    "ukrainian": "Ukrainian",
    "bulgarian": "Bulgarian",
    "serbian": "Serbian",
    "kazakh": "Kazakh",
    "greek": "Greek",
    "hebrew": "Hebrew",
    "arabic": "Arabic",
    "farsi": "Farsi",
    "thai": "Thai",
}


TOP_LETTERS = 14  # a language's most frequent letters ...
TOP_SEEN = 10  # ... should hold the text's most frequent ones


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    from charset_normalizer.constant import FREQUENCIES

    alphabets = {lang: frozenset(letters) for lang, letters in {**LATIN, **OTHER}.items()}
    for region, languages in REGIONS.items():
        alphabets[region] = frozenset("".join(LATIN[lang] for lang in languages))
    # The most frequent letters of each language, most frequent first.
    frequent = {
        lang: frozenset(c.lower() for c in FREQUENCIES[name][:TOP_LETTERS])
        for lang, name in _FREQUENCY_NAMES.items()
        if name in FREQUENCIES
    }
    return alphabets, frequent


ORDINALS = "ºª"  # letters to Unicode, but written as symbols (1º, 360º)


def _cjk(ch: str) -> str | None:
    c = ord(ch)
    if 0x3040 <= c <= 0x30FF:
        return "kana"
    if 0x4E00 <= c <= 0x9FFF or 0x3400 <= c <= 0x4DBF or 0xF900 <= c <= 0xFAFF:
        return "han"
    if 0xAC00 <= c <= 0xD7AF or 0x1100 <= c <= 0x11FF or 0x3130 <= c <= 0x318F:
        return "hangul"
    return None


# Ideographs, kana and hangul have too many letters for an alphabet: their script is the evidence.
CJK_LANGUAGES = {"japanese": {"kana", "han"}, "chinese": {"han"}, "korean": {"hangul", "han"}}


def language_fit(text: str) -> tuple[str | None, float]:
    """The language whose alphabet best explains the non-ASCII letters of ``text``, and how well (0..1).

    >>> language_fit("Příští schůzka se uskuteční v Brně")[0]
    'czech'
    >>> round(language_fit("ąest schůzka")[1], 2) < 1
    True
    """
    # "İ".lower() is two characters; the dotted capital I is Turkish, like the dotless "ı".
    letters = Counter(
        "ı" if ch == "İ" else ch.lower() for ch in text if ord(ch) > 127 and ch.isalpha() and ch not in ORDINALS
    )
    total = sum(letters.values())
    if not total:
        return None, 1.0
    alphabets, frequent = _tables()
    best: tuple[float, str | None] = (0.0, None)
    scripts = Counter(_cjk(ch) for ch in letters.elements())
    for lang, accepted in CJK_LANGUAGES.items():
        fit = sum(n for script, n in scripts.items() if script in accepted) / total
        if fit > best[0]:
            best = (fit, lang)
    for lang, alphabet in alphabets.items():
        covered = sum(n for ch, n in letters.items() if ch in alphabet)
        fit = covered / total * (REGION_FACTOR if lang in REGIONS else 1.0)
        if lang in frequent and fit > 0.5:
            # Within one script a wrong code page swaps common letters for rare ones: the text's
            # most frequent letters should be among the language's most frequent.
            seen = [ch for ch, _ in letters.most_common() if ch in alphabet][:TOP_SEEN]
            fit *= 0.4 + 0.6 * len(frequent[lang].intersection(seen)) / len(seen)
        if fit > best[0]:
            best = (fit, lang)
    return best[1], best[0]
