"""A declared charset that does not read ASCII as ASCII is no declaration: UTF-7 must not turn
``+ADw-script+AD4-`` into ``<script>``, nor EBCDIC a page into noise."""

from __future__ import annotations

import pytest

from core.text.charset import codec_name, decode, detect_encoding

PERSIAN = "وزير ارتباطات از راه‌اندازي شبكه ملي اطلاعات در 12 استان خبر داد"
LATIN = "<p>Le café où l'élève étudie</p>"
SMUGGLED = b"<p>caf\xe9</p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-"
"""Not UTF-8 (a windows-1252 é), so the declaration is consulted."""

NOT_ASCII_COMPATIBLE = [
    "utf-7",
    "UTF-7",
    "unicode-1-1-utf-7",
    "utf-16",
    "utf-16le",
    "utf-16be",
    "utf-32",
    "utf-32le",
    "cp037",
    "ibm037",
    "cp500",
    "cp1140",
    "cp273",
    "hz-gb-2312",
    "unicode_escape",
    "raw_unicode_escape",
    "idna",
    "base64",
    "rot13",
]


def test_a_declared_utf7_payload_stays_text() -> None:
    text, codec = decode(SMUGGLED, ("utf-7",))
    assert "<script>" not in text
    assert "+ADw-script+AD4-alert(1)+ADw-/script+AD4-" in text
    assert (text, codec) == decode(SMUGGLED)


def test_persian_in_utf7_is_not_read_through_the_declaration() -> None:
    body = PERSIAN.encode("utf-7") + b" \xe9"
    assert detect_encoding(body, ("utf-7",)) != "utf-7"


@pytest.mark.parametrize("label", NOT_ASCII_COMPATIBLE)
@pytest.mark.parametrize(
    "body",
    [PERSIAN.encode("cp1256"), PERSIAN.encode("utf-8"), LATIN.encode("cp1252"), SMUGGLED],
    ids=["persian-cp1256", "persian-utf8", "latin-cp1252", "utf7-script"],
)
def test_a_declaration_that_is_not_ascii_compatible_counts_as_none(label: str, body: bytes) -> None:
    assert decode(body, (label,)) == decode(body)
    assert decode(body, (label, "windows-1256")) == decode(body, ("windows-1256",))


@pytest.mark.parametrize("label", NOT_ASCII_COMPATIBLE)
def test_codec_name_refuses_what_does_not_read_ascii_as_ascii(label: str) -> None:
    assert codec_name(label) is None


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("windows-1256", "cp1256"),
        (" 'Windows-1256' ", "cp1256"),
        ("iso-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("iso-8859-6", "iso8859-6"),
        ("utf-8", "utf-8"),
        ("shift_jis", "cp932"),
        ("no-such-charset", None),
        ("", None),
    ],
)
def test_codec_name_keeps_ascii_compatible_charsets(label: str, name: str | None) -> None:
    assert codec_name(label) == name


def test_a_valid_windows_1256_declaration_still_reads_persian() -> None:
    assert decode(PERSIAN.encode("cp1256"), ("windows-1256",)) == (PERSIAN, "cp1256")
    assert decode(PERSIAN.encode("cp1256"), ("utf-16", "windows-1256")) == (PERSIAN, "cp1256")
    assert decode(PERSIAN.encode("utf-8"), ("windows-1256",)) == (PERSIAN, "utf-8")
