from __future__ import annotations

from pathlib import Path

import pytest

from core.registry import RegistryError, load_registry


def test_shipped_registry_knows_the_real_sources() -> None:
    registry = load_registry(Path("core/sources.toml"))
    for key in ["ict", "cra", "msrt", "mcls", "irna", "isna", "mehr", "fars", "tasnim", "ilna", "yjc",
                "iribnews", "itna", "ictna"]:
        assert registry.get(key).names
    assert registry.get("ict").kind == "ministry"
    assert "وزارت ارتباطات و فناوری اطلاعات" in registry.get("ict").names


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.ict.gov.ir/fa/news/123/", "ict"),
        ("https://ict.gov.ir/fa/newsagency/9/", "ict"),
        ("https://yazd.ict.gov.ir/fa/news/1", "ict"),
        ("https://WWW.ISNA.IR/news/1403", "isna"),
        ("https://example.com/fa/news/1", None),
        ("https://notict.gov.ir/x", None),
    ],
)
def test_hosts_resolve_to_sources(url: str, key: str | None) -> None:
    source = load_registry(Path("core/sources.toml")).for_url(url)
    assert (source.key if source else None) == key


def test_environment_variable_selects_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.toml"
    path.write_text('[sources.x]\nkind = "outlet"\nnames = ["ایکس"]\nhosts = ["x.test"]\n', encoding="utf-8")
    monkeypatch.setenv("MANBA_SOURCES_FILE", str(path))
    assert list(load_registry().sources) == ["x"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no [sources.<key>]"),
        ("[sources.x]\nkind = 'blog'\nnames = ['a']\nhosts = ['a.test']\n", "kind must be one of"),
        ("[sources.x]\nkind = 'outlet'\nnames = []\nhosts = ['a.test']\n", "must not be empty"),
        ("[sources.x]\nkind = 'outlet'\nnames = ['a']\nhosts = ['a.test']\nlisting = ['u']\n",
         "unknown field"),
        ("[sources.x\n", "not valid TOML"),
    ],
)
def test_bad_registries_say_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError, match=message.replace("[", r"\[")):
        load_registry(path)


def test_missing_registry_file(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="not found"):
        load_registry(tmp_path / "nope.toml")
