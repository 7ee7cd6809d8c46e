"""What the wizard offers for a container, read from its image in the image catalogue.

The wizard asks a container's image first. What the catalogue knows of the image's
family then fills in the answers that follow: a name from the image's repository
(``nginx`` for ``nginxinc/nginx-unprivileged:1.27``), the ports it listens on, the
job a helper of that family does (a Fluent Bit ships logs, a Cloud SQL proxy carries
outbound connections), and, for the main container, whether its work finishes (a
command-line tool's) or serves until stopped. A container's words count first for
its job, as review reads them ("db-proxy" running Envoy is an outbound proxy), then
its family, then the words of its image's repository.

An image the catalogue says runs as root, with an unprivileged image for the same
job (nginx, postgres, envoy), cannot start under the starter manifest's
``runAsNonRoot``: ``unprivileged_alternative`` names the image to propose instead.

Nothing here asks or prints: these are the defaults, the wizard offers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.kb.images import Family, catalogue, match, parse_reference

# Variant words in a repository's last part that say how it was built, not what it is.
_VARIANTS = ("-unprivileged", "-rootless", "-nonroot", "-distroless", "-debug")
_NOT_IN_A_NAME = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Proposal:
    """An image that does a root image's job without root: what to offer instead of ``image``."""

    image: str  # the root image typed
    instead: str  # the alternative, with the tag typed carried over when it had none of its own
    uid: int
    port: int | None
    family: Family


def family(image: str | None) -> Family | None:
    return match(image) if isinstance(image, str) and image else None


def name_from_image(image: str | None) -> str | None:
    """A container name from an image reference: its repository's last part, without a variant
    word (``-unprivileged``) and as a DNS label; None when nothing usable is left."""
    if not isinstance(image, str) or not image.strip():
        return None
    reference = parse_reference(image.strip())
    if reference is not None:
        last = reference.path.rsplit("/", 1)[-1]
    else:  # not a reference a runtime pulls: the name the field is about to refuse, roughly
        last = re.split(r"[@:]", image.strip().rsplit("/", 1)[-1])[0]
    name = last.lower()
    for variant in _VARIANTS:
        name = name.removesuffix(variant)
    name = _NOT_IN_A_NAME.sub("-", name).strip("-")[:63].strip("-")
    return name or None


def _words(text: str) -> str:
    return "-" + re.sub(r"[^a-z0-9]+", "-", (text or "").lower()) + "-"


def _role_by_words(text: str):
    """The first role of the catalogue with a word in ``text`` (review's rule: a word longer
    than five letters counts inside another word too)."""
    haystack = _words(text)
    for role in catalogue().roles.values():
        if any(f"-{w}-" in haystack or (len(w) > 5 and w in haystack) for w in role.words):
            return role
    return None


def purpose(name: str | None, image: str | None) -> str | None:
    """The job a helper named ``name`` running ``image`` most likely does (an answer-file
    purpose), or None when neither says."""
    role = _role_by_words(name or "")
    if role is None:
        found = family(image)
        role = catalogue().role(found) if found is not None else None
    if role is None and image:
        reference = parse_reference(image)
        role = _role_by_words(reference.repository if reference else image)
    return role.purpose if role is not None else None


def ports(image: str | None) -> list[int] | None:
    """Where the image listens with its default command, when the catalogue knows."""
    found = family(image)
    if found is None or not found.ports.known:
        return None
    return list(found.ports.value)


def finishes(image: str | None) -> bool | None:
    """Whether the image's usual process finishes (True) or runs until stopped (False);
    None when not known, or for a base or tool box whose command is the Pod's own."""
    found = family(image)
    if found is None or not found.runs.known:
        return None
    return {"finishes": True, "until-stopped": False}.get(found.runs.value)


def unprivileged_alternative(image: str | None) -> Proposal | None:
    """What to propose instead of an image that needs root: one the catalogue says runs as
    root, does not work under another UID, and has an unprivileged image for the same job."""
    found = family(image)
    if found is None or found.root is not True or found.any_uid.value is True:
        return None
    if found.alternative is None or not found.alternative.known:
        return None
    alternative = found.alternative.value
    instead = alternative.image
    typed, offered = parse_reference(image), parse_reference(instead)
    if offered is not None and offered.tag is None and offered.digest is None and typed is not None \
            and typed.tag not in (None, "latest"):
        instead = f"{instead}:{typed.tag}"  # the same version; the user checks the tag exists
    return Proposal(image, instead, alternative.uid, alternative.port, found)
