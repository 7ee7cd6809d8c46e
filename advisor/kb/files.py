"""The knowledge base's files as text, and a key over them: all that a cached knowledge
base needs to be found (advisor.kb.knowledge), read without the knowledge base's classes,
so that ``pod-advisor completion`` can ask the cache for its words alone."""

from __future__ import annotations

import os

PACKAGES = ("knowledge.kb", "knowledge", "knowledge.rules")  # every folder the knowledge base reads


def yaml_files(package: str) -> list[tuple[str, str]]:
    """(name, text) of the package's YAML files, sorted by name."""
    import importlib

    module = importlib.import_module(package)
    folder = os.path.dirname(module.__file__ or "")
    if os.path.isdir(folder):  # pip installs packages as folders: plain os calls, no importlib.resources
        found = []
        for name in sorted(os.listdir(folder)):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    found.append((f"{package.replace('.', '/')}/{name}", handle.read()))
        return found
    from importlib import resources  # a package inside an archive

    return [(f"{package.replace('.', '/')}/{item.name}", item.read_text(encoding="utf-8"))
            for item in sorted(resources.files(package).iterdir(), key=lambda p: p.name)
            if item.name.endswith((".yaml", ".yml"))]


def sources() -> dict[str, list[tuple[str, str]]]:
    return {package: yaml_files(package) for package in PACKAGES}


def sources_key(files: dict[str, list[tuple[str, str]]]) -> str:
    """What a knowledge base built from ``files`` is cached under: this version, this Python (cache.PYTHON)
    and every file's name and text."""
    from advisor import __version__
    from advisor.system.cache import PYTHON, digest

    return digest(__version__, PYTHON, *(part for found in files.values() for name, text in found
                                               for part in (name, text)))
