"""What an HTTP body is, and which charset turns it into the text its author wrote.

Persian sites have served pages in windows-1256 (with Arabic «ي/ك» and Latin digits) and in UTF-8,
and their headers and ``<meta>`` tags are often wrong: a server-wide ``charset=utf-8`` over old
windows-1256 files, ``iso-8859-1`` from a default configuration, a ``<meta charset=windows-1256>``
copied into a UTF-8 template. So declarations are evidence, not truth:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. bytes that are (almost all) well-formed UTF-8 are UTF-8, whatever is declared: legacy Arabic
   text essentially never forms valid multi-byte UTF-8 sequences by accident, and a few stray
   bytes in a UTF-8 page (a cut sequence, a pasted Latin-1 character) must not turn the whole page
   into mojibake;
3. otherwise the body is in a single-byte charset: the declared one when it reads as Arabic-script
   text or when windows-1256 does not, else windows-1256; with nothing usable declared and no
   Arabic-script reading, windows-1252 (what browsers assume).

A declared charset that does not read ASCII bytes as the same ASCII (UTF-7, UTF-16 and UTF-32
without a byte-order mark, EBCDIC code pages, HZ) counts as not declared: obeying it would let
bytes a browser shows as inert text decode into markup (UTF-7's ``+ADw-script+AD4-`` is
``<script>``). Labels resolve as in w3lib, which Scrapy's responses use.

Nothing here knows about Scrapy.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

from w3lib.encoding import resolve_encoding

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.05
"""More C0 control bytes than this share of the first bytes (and more than 8): binary, not text (a
page with a few NUL bytes in it is still a page; random or compressed data has about 12 %)."""
UTF8_SHARE = 0.97
"""Share of the non-ASCII bytes that must sit in valid UTF-8 sequences for the body to be UTF-8."""
ARABIC_SAMPLE_BYTES = 256 * 1024
"""How much of a body that is not clean UTF-8 the guess reads."""

MAGIC = (
    b"%PDF-", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
    b"RIFF", b"OggS", b"ID3", b"fLaC", b"wOFF", b"wOF2", b"\x7fELF", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c",
    b"\x00asm", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"\xd0\xcf\x11\xe0", b"\x00\x00\x01\x00",
)  # fmt: skip
"""Signatures of formats that are never HTML: PDF, images, archives, compressed data, media, fonts,
executables, OLE documents."""

_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NON_ASCII = re.compile("[^\x00-\x7f]")
_ARABIC_WORD = re.compile("[\u0600-\u06ff\u200c]{2,}")
_UNICODE_FAMILY = ("utf_8", "utf-8", "utf_16", "utf-16", "utf_32", "utf-32")
_BLANK = b" \t\r\n\f\v\x00"
_BLANK_TEXT = "\ufeff \t\r\n\f\v\x00"
_ASCII = bytes(range(0x20, 0x7F)).replace(b"\\", b"\\\\") + b"\t\r\n +ADw- ~{<~} \\x3c \\u003c .xn--mgbh0fb."
"""Printable ASCII, line breaks and the ASCII-only escapes some codecs read as other characters (UTF-7
and HZ shifts, backslash escapes, punycode)."""


def bom_encoding(body: bytes) -> str | None:
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    return None


def codec_name(label: str | None) -> str | None:
    """Python's name for a charset label, ``None`` when Python does not know it or when it is not
    ASCII-compatible (see the module docstring). Latin-1 and ASCII labels mean windows-1252, as in
    browsers."""
    if not label:
        return None
    try:
        name = resolve_encoding(label.strip().strip("\"'"))
    except ValueError:
        return None
    return name if name is not None and ascii_compatible(name) else None


def ascii_compatible(name: str) -> bool:
    """Whether the codec ``name`` reads ASCII bytes, escapes included, as themselves."""
    try:
        return _ASCII.decode(name) == _ASCII.decode("ascii")
    except (LookupError, UnicodeError):  # not a text codec, or one that cannot read plain ASCII
        return False


def body_problem(body: bytes) -> str | None:
    """Why ``body`` cannot be a page: ``"empty"`` (nothing but white space) or ``"binary"`` (a
    known non-HTML signature, or too many control bytes); ``None`` when it may be one. A body
    with a byte-order mark is text (UTF-16 is full of NUL bytes)."""
    bom = bom_encoding(body)
    if bom is not None:
        return None if body.decode(bom, "replace").strip(_BLANK_TEXT) else "empty"
    if not body.strip(_BLANK):
        return "empty"
    head = body[:SNIFF_BYTES].lstrip(_BLANK)
    if head.startswith(MAGIC) or len(_CONTROL_BYTES.findall(head)) > max(8, MAX_CONTROL_SHARE * len(head)):
        return "binary"
    return None


def _reads_as_arabic(text: str) -> bool:
    """Most non-ASCII characters form words of Arabic-script letters (not scattered accented
    Latin letters), and hardly any is a replacement character."""
    non_ascii = len(_NON_ASCII.findall(text))
    if not non_ascii:
        return False
    in_words = sum(map(len, _ARABIC_WORD.findall(text)))
    return in_words >= 0.6 * non_ascii and text.count("\ufffd") <= 0.01 * non_ascii


def detect_encoding(body: bytes, declared: Iterable[str | None] = ()) -> str:
    """The Python codec that reads ``body``, given the charsets it declares (HTTP header first,
    then ``<meta>``); the order of evidence is in the module docstring."""
    bom = bom_encoding(body)
    if bom is not None:
        return bom
    if body.isascii():  # any ASCII-compatible declaration reads it the same
        return "utf-8"
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = body[:ARABIC_SAMPLE_BYTES]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    covered = len(sample) - len(_UTF8_SEQUENCE.sub(b"", sample))
    if covered >= UTF8_SHARE * high:
        return "utf-8"
    names = (codec_name(d) for d in declared)
    single = next((n for n in names if n and not n.startswith(_UNICODE_FAMILY)), None)
    if single is not None and _reads_as_arabic(sample.decode(single, "replace")):
        return single
    if _reads_as_arabic(sample.decode("cp1256", "replace")):
        return "cp1256"
    return single or "cp1252"


def decode(body: bytes, declared: Iterable[str | None] = ()) -> tuple[str, str]:
    """``(text, codec)``: ``body`` decoded by :func:`detect_encoding`, unreadable bytes as U+FFFD
    (for :func:`core.text.controls.strip_controls` to remove), without a byte-order mark."""
    name = detect_encoding(body, declared)
    return body.decode(name, "replace").removeprefix("\ufeff"), name
