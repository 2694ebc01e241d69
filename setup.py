"""The egg `scrapyd-deploy` uploads to scrapyd: the crawler and its pipelines, with the data they read.

Name, version, Python requirement and the ``scrapy`` settings entry point (which scrapyd's runner
reads) come from pyproject.toml. scrapyd runs the project from the egg
as a zip file, so everything read at run time (the shipped registry, the Alembic scripts) must be
package data and read through importlib.resources, never beside ``__file__``.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["crawler", "crawler.*", "pipelines", "pipelines.*"]),
    package_data={
        "crawler": ["sources.toml"],
        "pipelines.migrations": ["README", "script.py.mako", "versions/*.py"],
    },
)
