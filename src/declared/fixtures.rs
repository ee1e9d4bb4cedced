//! Files shaped like real projects' (requests, arrow, a Poetry application, a tox matrix, a CI matrix),
//! shared by the parsers' tests.

use std::collections::BTreeMap;

/// A tree of the given files.
pub fn tree(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
        .collect()
}

/// The shape of requests' setup.py: requirements in module-level lists, passed by name.
pub const REQUESTS_SETUP_PY: &str = r#"#!/usr/bin/env python
import os
import sys
from codecs import open

from setuptools import setup

CURRENT_PYTHON = sys.version_info[:2]
REQUIRED_PYTHON = (3, 9)

if CURRENT_PYTHON < REQUIRED_PYTHON:
    sys.stderr.write(
        """
==========================
Unsupported Python version
==========================
"""
    )
    sys.exit(1)

requires = [
    "charset_normalizer>=2,<4",
    "idna>=2.5,<4",
    "urllib3>=1.21.1,<3",
    "certifi>=2017.4.17",
]
test_requirements = [
    "pytest-httpbin==2.1.0",
    "pytest-cov",
    "pytest-mock",
    "pytest-xdist",
    "PySocks>=1.5.6, !=1.5.7",
    "pytest>=3",
]

about = {}
here = os.path.abspath(os.path.dirname(__file__))
with open(os.path.join(here, "src", "requests", "__version__.py"), "r", "utf-8") as f:
    exec(f.read(), about)

with open("README.md", "r", "utf-8") as f:
    readme = f.read()

setup(
    name=about["__title__"],
    version=about["__version__"],
    long_description=readme,
    packages=["requests"],
    package_data={"": ["LICENSE", "NOTICE"]},
    package_dir={"": "src"},
    include_package_data=True,
    python_requires=">=3.9",
    install_requires=requires,
    classifiers=[
        "Development Status :: 5 - Production/Stable",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.9",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3 :: Only",
    ],
    tests_require=test_requirements,
    extras_require={
        "security": [],
        "socks": ["PySocks>=1.5.6, !=1.5.7"],
        "use_chardet_on_py3": ["chardet>=3.0.2,<6"],
    },
)
"#;

/// A workflow with a matrix, `include:` entries, a setup step that reads the matrix, and one that reads an
/// expression that cannot be resolved.
pub const MATRIX_WORKFLOW: &str = r#"name: CI
on: [push, pull_request]
jobs:
  tests:
    runs-on: ${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        python: ["3.9", "3.10", "3.11", "3.12"]
        os: [ubuntu-latest]
        include:
          - python: "3.13"
            os: ubuntu-latest
          - python: "pypy-3.10"
            os: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
          allow-prereleases: true
      - run: pip install tox && tox -e py
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: |
            3.11
            3.12
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ env.PY }}
"#;

/// The shape of arrow's pyproject.toml: flit, PEP 621, a `test` and a `doc` extra.
pub const ARROW_PYPROJECT: &str = r#"[build-system]
requires = ["flit_core >=3.2,<4"]
build-backend = "flit_core.buildapi"

[project]
name = "arrow"
authors = [{name = "Chris Smith", email = "crsmithdev@gmail.com"}]
readme = "README.rst"
license = {file = "LICENSE"}
classifiers = [
    "Development Status :: 4 - Beta",
    "Intended Audience :: Developers",
    "License :: OSI Approved :: Apache Software License",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3 :: Only",
    "Programming Language :: Python :: 3.8",
    "Programming Language :: Python :: 3.9",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
    "Operating System :: OS Independent",
]
dependencies = [
    "python-dateutil>=2.7.0",
    "types-python-dateutil>=2.8.10",
]
requires-python = ">=3.8"
description = "Better dates & times for Python"
dynamic = ["version"]

[project.optional-dependencies]
test = [
    "dateparser==1.*",
    "pre-commit",
    "pytest",
    "pytest-cov",
    "pytest-mock",
    "pytz==2021.1",
    "simplejson==3.*",
]
doc = [
    "doc8",
    "sphinx>=7.0.0",
    "sphinx-autobuild",
    "sphinx-autodoc-typehints",
    "sphinx_rtd_theme>=1.3.0",
]

[project.urls]
Documentation = "https://arrow.readthedocs.io"

[tool.flit.module]
name = "arrow"
"#;

/// A Poetry application: caret, tilde, wildcard and table forms, an extra, a dev and an optional docs group.
pub const POETRY_PYPROJECT: &str = r#"[tool.poetry]
name = "shop-api"
version = "0.4.0"
description = ""
authors = ["Jane Doe <jane@example.com>"]
packages = [{include = "shop_api", from = "src"}]
classifiers = [
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
]

[tool.poetry.dependencies]
python = "^3.10"
fastapi = "^0.110.0"
uvicorn = {extras = ["standard"], version = "^0.29.0"}
SQLAlchemy = "~2.0"
pydantic-settings = "*"
httpx = {version = "^0.27", optional = true}
tomli = {version = ">=2.0", python = "<3.11"}
internal-lib = {path = "libs/internal-lib", develop = true}
toolz = {git = "https://github.com/pytoolz/toolz.git", tag = "0.12.1"}

[tool.poetry.extras]
client = ["httpx"]

[tool.poetry.group.dev.dependencies]
pytest = "^8.1"
pytest-asyncio = "0.23.*"
black = "^24.3"

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
mkdocs = "^1.5"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
"#;

/// A Django app's tox.ini: braces over several lines, a lint and a docs environment.
pub const TOX_INI: &str = "[tox]\nenvlist =\n    py{38,39,310}-django{32,42}\n    py311-django42, flake8\n    docs\nskip_missing_interpreters = true\n\n[testenv]\ndeps =\n    django32: Django>=3.2,<4.0\n    pytest\ncommands = pytest {posargs}\n";

/// A Spring Boot style pom: `java.version` feeds the compiler plugin.
pub const SPRING_POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>demo</artifactId>
  <version>0.0.1-SNAPSHOT</version>
  <properties>
    <java.version>17</java.version>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.11.0</version>
        <configuration>
          <release>${java.version}</release>
        </configuration>
      </plugin>
      <plugin>
        <artifactId>maven-surefire-plugin</artifactId>
        <configuration><release>99</release></configuration>
      </plugin>
    </plugins>
  </build>
</project>
"#;
