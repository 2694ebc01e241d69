"""The egg `scrapyd-deploy` uploads to scrapyd: every layer of Manba (ARCHITECTURE.md) and the data
they read.

Name, version, Python requirement and the ``scrapy`` settings entry point (which scrapyd's runner
reads) come from pyproject.toml. scrapyd runs the project from the egg
as a zip file, so everything read at run time (the shipped registry, the Alembic scripts, the
report's templates) must be package data and read through importlib.resources (or Jinja's
PackageLoader, which reads through the package too), never beside ``__file__``.
"""

from setuptools import find_packages, setup

LAYERS = ("commands", "crawler", "pipelines", "storage", "migrations", "core")

setup(
    packages=find_packages(include=[f"{top}{sub}" for top in LAYERS for sub in ("", ".*")]),
    package_data={
        "commands": ["templates/*.j2", "templates/*.js"],
        "core": ["sources.toml", "names.toml"],
        "migrations": ["README", "script.py.mako", "versions/*.py"],
    },
)
