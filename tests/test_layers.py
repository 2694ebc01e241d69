"""The house plan (ARCHITECTURE.md): every import runs down the layers, never up.

    commands  ->  crawler, pipelines  ->  storage, migrations  ->  core

Each top-level folder is one layer. A module may import its own layer and the layers below it;
``core`` imports neither Scrapy, Twisted nor SQLAlchemy, ``storage`` no Scrapy. Spider modules are
leaves: only spiders, the check-only spiders (``crawler.checked``: subclasses carrying the
``scrapy check`` contracts) and commands import them (what other components share lives beside them).
Production code never imports the fixture web, the benchmarks or the tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

LAYERS = {"core": 0, "storage": 1, "migrations": 1, "crawler": 2, "pipelines": 2, "commands": 3}
OUTSIDE = {"fixtureweb", "bench", "tests"}
SCRAPY = {"scrapy", "scrapy_playwright", "scrapy_redis", "itemadapter"}
FORBIDDEN = {"core": SCRAPY | {"twisted", "sqlalchemy", "alembic"}, "storage": SCRAPY, "migrations": SCRAPY}
SPIDERS = "crawler.spiders"
CHECKED = "crawler.checked"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(module: str, path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, absolute, with its line number (function-level imports too)."""
    found = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def violations(root: Path) -> list[str]:
    """Imports under ``root`` that break the house plan, as ``file:line: rule`` lines."""
    found = []
    for top in LAYERS:
        for path in sorted((root / top).rglob("*.py")):
            module = module_name(root, path)
            where = f"{path.relative_to(root)}"
            for line, name in imported(module, path):
                target = name.split(".")[0]
                if target in LAYERS and LAYERS[target] > LAYERS[top]:
                    found.append(f"{where}:{line}: {top} (layer {LAYERS[top]}) imports {name} (layer "
                                 f"{LAYERS[target]})")
                elif target in OUTSIDE:
                    found.append(f"{where}:{line}: production code imports {name}")
                elif target in FORBIDDEN.get(top, ()):
                    found.append(f"{where}:{line}: {top} imports {name}")
                elif (name == SPIDERS or name.startswith(SPIDERS + ".")) and not (
                    module.startswith(SPIDERS) or module == CHECKED or top == "commands"
                ):
                    found.append(f"{where}:{line}: {module} imports the spider module {name}")
    return found


def test_every_import_runs_down_the_layers() -> None:
    assert violations(REPO) == []


def test_every_package_is_in_a_layer() -> None:
    """A new top-level package must be placed in the plan (here and in ARCHITECTURE.md)."""
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")}
    assert packages - set(LAYERS) - OUTSIDE == set()
    architecture = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for top in LAYERS:
        assert f"`{top}/`" in architecture, f"ARCHITECTURE.md does not place {top}/"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for top in LAYERS:
        (root / top).mkdir()
        (root / top / "__init__.py").write_text("")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("core/text.py", "from storage.models import Document\n", "core (layer 0) imports storage.models"),
        ("core/text.py", "import scrapy\n", "core imports scrapy"),
        ("core/text.py", "def f():\n    from sqlalchemy import select\n", "core imports sqlalchemy"),
        ("storage/write.py", "from crawler import config\n", "storage (layer 1) imports crawler"),
        ("storage/write.py", "from scrapy.http import Response\n", "storage imports scrapy.http"),
        ("crawler/shell.py", "from commands.export import Command\n", "crawler (layer 2) imports commands"),
        ("pipelines/origin.py", "from crawler.spiders.base import fetch\n", "imports the spider module"),
        ("pipelines/origin.py", "from fixtureweb.server import FixtureServer\n", "production code imports"),
        ("core/attribution/families/opening.py", "from ....storage import db\n",
         "core (layer 0) imports storage"),
    ],
)
def test_an_import_up_the_layers_is_caught(tmp_path: Path, name: str, text: str, rule: str) -> None:
    found = violations(_tree(tmp_path, {name: text}))
    assert len(found) == 1 and rule in found[0], found


def test_imports_down_the_layers_pass(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "commands/export.py": "from storage.export import rows\nfrom crawler.spiders import urls\n",
        "pipelines/store.py": "from crawler.config import database_url\nfrom storage import write\n",
        "storage/write.py": "import sqlalchemy\nfrom core.items import ArticleItem\n",
        "crawler/spiders/urls.py": "from crawler.spiders.base import ArticleSpider\n",
        "crawler/checked.py": "from crawler.spiders.urls import UrlsSpider\n",
        "core/attribution/families/opening.py": "from ..scanner import Scanner\nimport re\n",
    })
    assert violations(root) == []
