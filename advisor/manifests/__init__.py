"""Starter manifests: the recommendation as objects a cluster of its version accepts as they are.

``build_manifest`` is what the ``manifest`` command and the wizard write: the
multi-document YAML, checked before it is returned (the strict schema of the
target version, the API server's own rules, the Pod Security Standards, and
that the text reads back as the objects). A check that fails is a defect of
ours, raised as ``InvalidManifest``, never a file a user applies and regrets.

    build_objects(recommendation)          -> [dict, ...]      (not checked)
    validate_objects(objects, "1.33")      -> [problem, ...]   (empty when valid)
    build_manifest(recommendation)         -> str              (checked)
"""

from __future__ import annotations

from typing import Collection

from advisor import __version__
from advisor.domain import annotations as keys
from advisor.domain.recommendation import Recommendation
from advisor.manifests.validate import pod_security_problems, validate_objects
from advisor.system.failure import Internal
from advisor.system.records import record

__all__ = ["InvalidManifest", "Manifest", "build_manifest", "build_objects", "make_manifest", "validate_objects"]


class InvalidManifest(Internal):
    """The objects built for a recommendation fail a check: a defect of pod-advisor, not of the answers."""

    def __init__(self, name: str, kubernetes: str, problems: list[str]):
        self.problems = list(problems)
        super().__init__(f"the manifest for {name} is not valid for Kubernetes {kubernetes}:\n"
                         + "\n".join(f"  {p}" for p in self.problems))


@record
class Manifest:
    """A starter manifest: the documents written for a recommendation, and the notes that go with them."""

    recommendation: Recommendation
    documents: list
    notes: list[str]
    root: frozenset[str] = frozenset()  # the containers allowed to run as root

    @property
    def objects(self) -> list[dict]:
        return [d.obj for d in self.documents]

    @property
    def source(self) -> str | None:
        """The answer file to name in a header; None when there is none or it is a stand-in (<stdin>)."""
        source = self.recommendation.source
        return source if source and not source.startswith("<") else None

    def summary(self) -> str:
        return ", ".join(f"{o['kind']} {o['metadata']['name']}" for o in self.objects)

    def text(self, comments: bool = True) -> str:
        """The YAML stream; it reads back as exactly ``objects`` (else InvalidManifest)."""
        from advisor.manifests.emit import emit_stream, read_stream  # see make_manifest

        if comments:
            text = emit_stream([(d.obj, d.comments) for d in self.documents], self._header())
        else:
            text = emit_stream([(d.obj, {}) for d in self.documents])
        if read_stream(text) != self.objects:
            raise InvalidManifest(self.recommendation.name, self.recommendation.kubernetes,
                                  ["the YAML written does not read back as the objects built"])
        return text

    def _header(self) -> list[str]:
        from advisor.manifests.why import findings_summary  # see make_manifest

        rec = self.recommendation
        source = self.source
        lines = [f"Starter manifests for {rec.name} on Kubernetes {rec.kubernetes}, written by pod-advisor "
                 f"{__version__}{' from ' + source if source else ''}. They follow the recommendation; a "
                 f"[rule-id] names the rule behind a choice, and `pod-advisor evaluate "
                 f"{source or 'FILE'} --explain` tells more.",
                 f"Findings: {findings_summary(rec)}."]
        lines += [f"TO DO: {note}." for note in self.notes]
        return lines


def make_manifest(recommendation: Recommendation, *, allow_root: bool | Collection[str] = False) -> Manifest:
    """Build and check the objects of a recommendation (InvalidManifest when a check fails)."""
    # The builder, the writer and the why-lines are imported where they are used: `review` imports
    # this package for advisor.manifests.validate alone, and would pay for them at every start.
    from advisor.manifests.build import build_documents

    built = build_documents(recommendation, allow_root)
    manifest = Manifest(recommendation, built.documents, built.notes, built.root)
    objects = manifest.objects
    problems = validate_objects(objects, recommendation.kubernetes)
    for obj in objects:
        problems += [f"{obj['kind']} {obj['metadata']['name']}: Pod Security: {p}"
                     for p in pod_security_problems(obj, baseline_for=built.root, host_paths=_privileged(obj))]
    if problems:
        raise InvalidManifest(recommendation.name, recommendation.kubernetes, problems)
    return manifest


def _privileged(obj: dict) -> bool:
    """Whether a workload says it needs the privileged Pod Security level (its host paths)."""
    return ((obj.get("metadata") or {}).get("annotations") or {}).get(keys.POD_SECURITY) == "privileged"


def build_manifest(recommendation: Recommendation, *, comments: bool = True,
                   allow_root: bool | Collection[str] = False) -> str:
    """The checked multi-document YAML of a recommendation, for ``kubectl apply -f``.

    ``allow_root``: True lets every container run as root, a collection of names only those.
    """
    return make_manifest(recommendation, allow_root=allow_root).text(comments=comments)


def build_objects(recommendation: Recommendation, *, allow_root: bool | Collection[str] = False) -> list[dict]:
    """The objects of a recommendation as plain dicts, unchecked (``validate_objects`` checks them)."""
    from advisor.manifests.build import build_documents  # see make_manifest

    return [d.obj for d in build_documents(recommendation, allow_root).documents]
