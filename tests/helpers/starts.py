"""The kubelet's start check (``apicheck start``) with each image's user from pod-advisor's image
catalogue: what the tests that prove a manifest starts share.

``catalogue_users(items)`` is the ``--image-users`` file for the images of ``items``: each image
the catalogue knows, with the user its configuration names (``advisor.kb.images.image_user``).
An image it does not know is left out, so apicheck refuses a container of it wherever its user
decides: a manifest proves it starts only by not depending on a user nobody knows.
"""

from __future__ import annotations

import sys

import yaml
from helpers.tools import ROOT, require_tool

from advisor.kb.images import image_user

sys.path.insert(0, str(ROOT / "tools" / "apicheck"))
from start_verdicts import StartVerdict, containers, pod_spec, start  # noqa: E402  (tools/apicheck is no package)

HOW = "tools/apicheck/build builds it (Go 1.26 or later)"

__all__ = ["StartVerdict", "catalogue_users", "container_count", "images_of", "start_verdicts"]


def objects_of(items: list[dict | str]) -> list[dict]:
    """The objects of ``items``: objects as they are, texts as PyYAML reads their documents."""
    return [o for item in items for o in ([item] if isinstance(item, dict) else
                                          [d for d in yaml.safe_load_all(item) if d])]


def each_image(items: list[dict | str]):
    """(Kind/name/container, image) of every container of every Pod of ``items``, in apicheck's order."""
    for obj in objects_of(items):
        spec = pod_spec(obj) or {}
        entries = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
        for name, entry in zip(containers(obj), entries):
            yield name, str(entry.get("image") or "")


def images_of(items: list[dict | str]) -> dict[str, str]:
    """Kind/name/container -> image, for the containers of ``items`` (of one manifest: names repeat
    across manifests)."""
    return dict(each_image(items))


def container_count(item: dict | str) -> int:
    """How many verdicts apicheck start gives for ``item``."""
    return sum(len(containers(obj)) for obj in objects_of([item]))


def catalogue_users(items: list[dict | str]) -> dict[str, str]:
    """{image: the user its configuration names} for each image of ``items`` the catalogue knows."""
    users = {}
    for _, image in each_image(items):
        user = image_user(image)
        if user is not None:
            users[image] = user
    return users


def start_verdicts(items: list[dict | str]) -> list[StartVerdict]:
    """apicheck start's verdict on each container of ``items``, in order, with the catalogue's users."""
    return start(require_tool("apicheck", HOW), items, catalogue_users(items))
