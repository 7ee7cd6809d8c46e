"""A knowledge base loaded with one more file in it, to see what the loader says of it."""

import pytest

from advisor.kb import knowledge
from advisor.kb.knowledge import load_knowledge_base
from advisor.system.errors import KnowledgeBaseError


def problems_with(monkeypatch, package: str, name: str, text: str) -> str:
    """The loader's problems with ``text`` added to ``package`` as the file ``name``; it must refuse it."""
    real = knowledge._yaml_files

    def patched(pkg):
        files = real(pkg)
        return files + [(f"{pkg.replace('.', '/')}/{name}", text)] if pkg == package else files

    monkeypatch.setattr(knowledge, "_yaml_files", patched)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base()
    return "\n".join(caught.value.problems)
