"""Encoding detection and decoding that never loses a byte silently.

Order: an explicit encoding wins; then a BOM; then strict UTF-8 over the whole file; then a scored
choice among the code pages business systems actually write. Whatever is chosen, the result is
UTF-8 bytes (for the parser) plus the location of every byte sequence that could not be decoded.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

import charset_normalizer

from kit.errors import BinaryFileError, EncodingError
from kit.load.languages import language_fit
from kit.load.report import LoadReport, Undecodable

BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# The code pages tried when a file is neither UTF-8 nor UTF-16, with the prior each carries: Western
# exports are by far the most common, so cp1252 leads. The prior decides ties; the decoded text's
# own evidence (which script, which language's letters, how messy) decides the rest.
CANDIDATES: list[tuple[str, float]] = [
    ("cp1252", 0.10),
    ("latin-1", 0.05),
    ("iso8859-15", 0.04),
    ("mac_roman", 0.0),
    ("cp1250", 0.02),
    ("iso8859-2", 0.0),
    ("cp1251", 0.02),
    ("koi8-r", 0.0),
    ("koi8-u", -0.01),
    ("iso8859-5", 0.0),
    ("cp866", 0.0),
    ("cp855", -0.02),
    ("mac_cyrillic", -0.01),
    ("cp1253", 0.01),
    ("iso8859-7", 0.0),
    ("cp737", -0.02),
    ("cp1254", 0.01),
    ("iso8859-9", 0.0),
    ("cp857", -0.02),
    ("cp1255", 0.01),
    ("iso8859-8", 0.0),
    ("cp862", -0.02),
    ("cp1256", 0.01),
    ("iso8859-6", 0.0),
    ("cp1257", 0.01),
    ("iso8859-13", 0.0),
    ("iso8859-4", -0.01),
    ("iso8859-16", -0.01),
    ("cp1258", -0.01),
    ("tis-620", 0.0),
    ("cp874", 0.0),
    ("cp850", -0.05),
    ("cp852", -0.03),
    ("cp437", -0.05),
    ("cp860", -0.05),
    ("cp861", -0.05),
    ("cp932", 0.0),
    ("euc_jp", 0.0),
    ("gb18030", 0.0),
    ("big5", 0.0),
    ("euc_kr", 0.0),
]

BINARY_SIGNATURES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "a zip archive (an .xlsx or .docx saved with the wrong extension?)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (.xls)"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\x7fELF", "an executable program"),
]

CJK_CANDIDATES = {"cp932", "euc_jp", "gb18030", "big5", "euc_kr"}

COMMON_SYMBOLS = set("’‘“”–—…€£¥°º ª§©®±×·«»¿¡½¼¾²³µ•™¢¦¨¬¯´¸¹")

_MAX_LOCATIONS = 100


@dataclass
class Decoded:
    """UTF-8 bytes ready for a parser, and how they were obtained."""

    data: bytes | memoryview
    encoding: str
    confidence: float
    bom: bool
    undecodable_count: int = 0
    undecodable: list[Undecodable] = field(default_factory=list)
    note: str | None = None
    guess: Guess | None = None  # the evidence, when the code page was chosen among rivals


def _line_of(raw: bytes | memoryview, offset: int) -> int:
    data = bytes(raw[:offset]) if isinstance(raw, memoryview) else raw[:offset]
    newlines = data.count(b"\n")
    # CR-only files have no LF at all; count CRs there.
    return (newlines if newlines else data.count(b"\r")) + 1


def _decode_tracking(raw: bytes | memoryview, encoding: str) -> tuple[str, int, list[Undecodable]]:
    """Decode, replacing each undecodable sequence with U+FFFD and recording where it was."""
    positions: list[tuple[int, int]] = []

    def handler(exc: UnicodeDecodeError) -> tuple[str, int]:
        positions.append((exc.start, exc.end))
        return ("\ufffd", exc.end)

    name = f"kit-track-{id(positions)}"
    codecs.register_error(name, handler)
    text = bytes(raw).decode(encoding, errors=name)
    located = [
        Undecodable(offset=s, line=_line_of(raw, s), bytes_hex=bytes(raw[s:e]).hex(" "))
        for s, e in positions[:_MAX_LOCATIONS]
    ]
    return text, len(positions), located


def _utf8_errors(raw: bytes | memoryview, limit: int = 1_000_000) -> tuple[int, int]:
    """(invalid sequences, valid multi-byte characters) in ``raw``, scanning in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(raw)
    chunk = 1 << 24
    try:
        for start in range(0, len(view), chunk):
            decoder.decode(view[start : start + chunk], final=start + chunk >= len(view))
        return 0, 1
    except UnicodeDecodeError:
        pass
    sample = bytes(view[:limit])
    bad = 0

    def count(exc: UnicodeDecodeError) -> tuple[str, int]:
        nonlocal bad
        bad += 1
        return ("", exc.end)

    name = f"kit-count-{id(sample)}"
    codecs.register_error(name, count)
    text = sample.decode("utf-8", errors=name)
    good = sum(1 for ch in text if ord(ch) > 127)
    return max(bad, 1), good


def _utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    even = head[0::2]
    odd = head[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / max(len(odd), 1)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def check_binary(head: bytes, path: str) -> None:
    """Raise BinaryFileError when the first bytes are clearly not text."""
    for sig, what in BINARY_SIGNATURES:
        if head.startswith(sig):
            raise BinaryFileError(f"{path}: this is {what}, not a text extract")
    if any(head.startswith(b) for b, _ in BOMS) or _utf16_without_bom(head[:4096]):
        return
    window = head[:65536]
    # A stray NUL in an otherwise textual export is data damage, reported by the profiler;
    # many NULs or control bytes mean the file is not text at all.
    controls = sum(window.count(bytes([c])) for c in range(32) if c not in (9, 10, 13, 11, 12, 27))
    if window and (window.count(0) > max(3, len(window) // 100) or controls > max(3, len(window) // 10)):
        pos = window.find(b"\x00")
        where = f"NUL byte at offset {pos}" if pos >= 0 else f"{controls} control bytes in the first {len(window)}"
        raise BinaryFileError(f"{path}: binary content ({where}); not a text extract")


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC", "HANGUL", "HIRAGANA", "KATAKANA", "THAI"):
        if name.startswith(script):
            return script
    if name.startswith("CJK") or "IDEOGRAPH" in name:
        return "CJK"
    return "OTHER"


_JAPANESE = {"CJK", "HIRAGANA", "KATAKANA"}


def _plausibility(text: str) -> float:
    """Mean plausibility of the non-ASCII characters of ``text`` read as business data (-3..1).

    Latin accents are sparse inside mostly-ASCII words ("José"); other scripts come in runs of
    their own letters ("Иван", "山田"). A reading that breaks those habits is the wrong code page.
    """
    total = 0.0
    n = 0
    length = len(text)
    for i, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        n += 1
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < length else " "
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Cc", "Co", "Cn", "Cs"):
            total -= 3
        elif cat[0] == "L" and ch not in "ºª":
            script = _script(ch)
            if "\uff61" <= ch <= "\uff9f":
                total -= 0.5  # half-width katakana: what Western bytes look like through cp932
            elif script == "LATIN":
                total += 1
                if ch.isupper() and prev.islower():
                    total -= 1.5  # "JosÈ": upper-case accent inside a lower-case word
                if ord(prev) > 127 and ord(nxt) > 127 and prev.isalpha() and nxt.isalpha():
                    total -= 0.6  # runs of accented letters: another script read as Latin
            else:
                same = {script} | (_JAPANESE if script in _JAPANESE else set())
                neighbours = [c for c in (prev, nxt) if ord(c) > 127 and c.isalpha()]
                total += 1 if any(_script(c) in same for c in neighbours) else -1
                if ch.isupper() and prev.islower():
                    total -= 1.5  # "вЧЕРА": a sister code page swaps the cases of a whole script
        elif ch in COMMON_SYMBOLS:
            total += 0.3
            if prev.isalpha() and nxt.isalpha():
                total -= 1.3  # a symbol inside a word ("Wa³êsa") means the wrong code page
        else:
            total -= 1
    return total / n if n else 1.0


def _non_ascii_sample(raw: bytes | memoryview, limit: int = 200_000) -> bytes:
    """Lines that carry non-ASCII bytes, up to ``limit`` bytes: the only evidence that matters."""
    head = bytes(raw[: 8 * 1024 * 1024])
    out = bytearray()
    for m in re.finditer(rb"[^\r\n]*[\x80-\xff][^\r\n]*", head):
        out += m.group(0) + b"\n"
        if len(out) >= limit:
            break
    return bytes(out)


# Below this many non-ASCII characters the letters say little about the code page ("ééé" reads as
# "ййй" in cp1251 just as well), so the business prior weighs more, fading as the evidence grows.
EVIDENCE_CHARS = 20


def _prior_weight(text: str) -> float:
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return max(1.0, EVIDENCE_CHARS / max(non_ascii, 1))


# How much the language evidence counts beside the plausibility of the characters (-3..1).
LANGUAGE_WEIGHT = 2.0
SCORED_BYTES = 40_000  # enough text to judge a code page; scoring is per character in Python


@dataclass
class Guess:
    """A code page chosen from the evidence, and the one that came closest."""

    encoding: str
    confidence: float
    language: str | None = None
    runner_up: str | None = None
    runner_up_confidence: float | None = None


def _score(text: str, prior: float) -> tuple[float, str | None]:
    language, fit = language_fit(text)
    return _plausibility(text) + LANGUAGE_WEIGHT * fit + prior * _prior_weight(text), language


def _choose_legacy(raw: bytes | memoryview) -> Guess:
    sample = _non_ascii_sample(raw)
    judged = sample[:SCORED_BYTES]
    judged = judged[: judged.rfind(b"\n") + 1] or judged
    scored: list[tuple[float, str, str | None]] = []
    seen: set[str] = set()
    for enc, prior in CANDIDATES:
        try:
            text = judged.decode(enc)
        except UnicodeDecodeError:
            continue
        if text in seen:
            continue  # same reading as a preferred code page: not a rival
        seen.add(text)
        score, language = _score(text, prior)
        scored.append((score, enc, language))
    if not scored:
        return Guess("cp1252", 0.1)
    scored.sort(key=lambda t: -t[0])
    best_score, best, language = scored[0]
    cjk = [enc for score, enc, _ in scored if enc in CJK_CANDIDATES and score > best_score - 0.2]
    if best in CJK_CANDIDATES and len(cjk) > 1:
        # CJK code pages all decode each other's bytes into real ideographs; charset-normalizer's
        # frequency model tells them apart better than plausibility does.
        match = charset_normalizer.from_bytes(sample, cp_isolation=cjk).best()
        if match is not None and match.encoding in cjk and match.encoding != best:
            best = match.encoding
            best_score, _, language = next(t for t in scored if t[1] == best)
    rivals = [t for t in scored if t[1] != best]
    runner_score = rivals[0][0] if rivals else best_score - 2.0

    def confidence(score: float, other: float) -> float:
        # How far ahead of the other reading, on the scale of one character's plausibility.
        return round(max(0.05, min(0.99, 0.5 + (score - other) / 2)) if score > 0 else 0.1, 2)

    return Guess(
        best,
        confidence(best_score, runner_score),
        language,
        rivals[0][1] if rivals else None,
        confidence(runner_score, best_score) if rivals else None,
    )


# Seven-bit encodings that switch character sets with escape sequences (Japanese and Korean mail and
# old Unix exports). Their bytes are valid ASCII, so they must be recognised before UTF-8.
ISO2022 = [
    (b"\x1b$)C", "iso2022_kr"),
    (b"\x1b$B", "iso2022_jp"),
    (b"\x1b$@", "iso2022_jp"),
    (b"\x1b$(D", "iso2022_jp_1"),
]


def _iso2022(view: memoryview, head: bytes) -> Decoded | None:
    for marker, encoding in ISO2022:
        if marker in head and not re.search(rb"[\x80-\xff]", head):
            try:
                text = bytes(view).decode(encoding)
            except UnicodeDecodeError:
                continue
            return Decoded(
                text.encode("utf-8"),
                encoding,
                0.95,
                False,
                note=f"{encoding}: escape sequences switch to {encoding[8:].upper()} characters",
            )
    return None


def decode(raw: bytes | memoryview, path: str, encoding: str | None = None) -> Decoded:
    """Decide the encoding of ``raw`` and return UTF-8 bytes without its BOM.

    >>> decode("Café".encode("cp1252"), "x.csv").encoding
    'cp1252'
    """
    view = memoryview(raw)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise EncodingError(f"{path}: unknown encoding {encoding!r}") from None
        bom = False
        norm = codecs.lookup(encoding).name
        for b, name in BOMS:
            if bytes(view[: len(b)]) == b and codecs.lookup(name).name == norm.replace("-sig", ""):
                view, bom = view[len(b) :], True
                break
        try:
            text = bytes(view).decode(encoding)
        except UnicodeDecodeError as exc:
            line = _line_of(view, exc.start)
            raise EncodingError(
                f"{path}:{line}: cannot be decoded as {encoding} (byte {bytes(view[exc.start : exc.end]).hex()} "
                f"at offset {exc.start}); try another encoding= or leave it out to detect"
            ) from None
        data = view if norm == "utf-8" else text.encode("utf-8")
        return Decoded(data, encoding, 1.0, bom)

    head = bytes(view[:65536])
    for b, name in BOMS:
        if head.startswith(b):
            body = view[len(b) :]
            if name == "utf-8":
                bad, _ = _utf8_errors(body)
                if not bad:
                    return Decoded(body, "utf-8", 1.0, True)
            text, count, located = _decode_tracking(body, name)
            return Decoded(text.encode("utf-8"), name, 1.0, True, count, located)

    check_binary(head, path)
    u16 = _utf16_without_bom(head[:4096])
    if u16:
        text, count, located = _decode_tracking(view, u16)
        return Decoded(text.encode("utf-8"), u16, 0.8, False, count, located, note="UTF-16 without a BOM")

    escaped = _iso2022(view, head)
    if escaped:
        return escaped
    bad, good = _utf8_errors(view)
    if not bad:
        has_non_ascii = re.search(rb"[\x80-\xff]", head) is not None or good > 1
        return Decoded(view, "utf-8", 1.0 if has_non_ascii else 0.99, False)
    if good >= 10 * bad:
        # Mostly valid UTF-8 with a few damaged bytes: keep UTF-8 and say exactly where the damage is.
        text, count, located = _decode_tracking(view, "utf-8")
        return Decoded(text.encode("utf-8"), "utf-8", 0.9, False, count, located, note="damaged UTF-8")
    guess = _choose_legacy(view)
    text, count, located = _decode_tracking(view, guess.encoding)
    return Decoded(text.encode("utf-8"), guess.encoding, guess.confidence, False, count, located, guess=guess)


def record_decoding(decoded: Decoded, report: LoadReport) -> None:
    """Put what decoding found into the report, with a warning for every loss or guess the user must see."""
    report.encoding = decoded.encoding
    report.encoding_confidence = decoded.confidence
    report.bom = decoded.bom
    report.undecodable_count = decoded.undecodable_count
    report.undecodable = decoded.undecodable
    g = decoded.guess
    if g is not None:
        evidence = f"{g.language} text" if g.language else "the most plausible characters"
        runner = f"; runner-up {g.runner_up} ({g.runner_up_confidence:.2f})" if g.runner_up else ""
        report.decisions["encoding"] = f"{g.encoding}: not UTF-8; reads as {evidence}{runner}"
    elif decoded.bom:
        report.decisions["encoding"] = f"{decoded.encoding}: byte order mark"
    elif decoded.encoding.startswith("utf-8") and not decoded.undecodable_count:
        report.decisions["encoding"] = {
            1.0: "utf-8: every byte sequence is valid UTF-8",
            0.99: "utf-8: plain ASCII",
        }.get(decoded.confidence, "utf-8: the first megabyte is valid UTF-8; the rest is checked as it is parsed")
    if decoded.note:
        report.warnings.append(f"encoding: {decoded.note}")
    if decoded.undecodable_count:
        u = decoded.undecodable[0]
        report.warnings.append(
            f"{decoded.undecodable_count} byte sequences cannot be decoded as {decoded.encoding}; each is U+FFFD "
            f"in the data (first at line {u.line}, bytes {u.bytes_hex})"
        )
