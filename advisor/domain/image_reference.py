"""Container image references, read as the kubelet and the container runtime read them.

The API server takes any image text that is not blank; the kubelet then parses it with
the reference grammar of the container ecosystem (the ``distribution/reference``
library, ``ParseNormalizedNamed``) and a Pod whose image does not parse never starts
(``InvalidImageName``). This module is that grammar, written once, for everything
pod-advisor does with an image: the answers' validation refuses what the runtime would
refuse, the Helm chart's values schema holds each part to the same patterns, and review
says when a manifest's image cannot be pulled.

The grammar, in short::

    reference  := name [ ":" tag ] [ "@" digest ]
    name       := [ domain "/" ] path          (the path at most 255 characters, library/ included)
    domain     := host [ ":" port ]            host: DNS-like labels (any case) or [IPv6]
    path       := component ( "/" component )*
    component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
    tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
    digest     := algorithm ":" hex            sha256 (64), sha384 (96) or sha512 (128) lower-case hex digits

A first part before "/" is a domain only when it holds "." or ":", is ``localhost``, or
has a capital letter; otherwise it is the first path component on Docker Hub
(``nginx`` is ``docker.io/library/nginx``). The path must be lower case, and a reference
that is 64 hex digits alone is an image ID, not a name.
"""

from __future__ import annotations

import re

from advisor.system.patterns import lazy
from advisor.system.records import record

# The pieces of the grammar, as regular expressions that RE2 (Go, and so Helm's JSON schema
# validator) and Python read alike: no look-around, ASCII classes spelt out.
ALPHANUMERIC = "[a-z0-9]+"
SEPARATOR = "(?:[._]|__|[-]+)"
COMPONENT = f"{ALPHANUMERIC}(?:{SEPARATOR}{ALPHANUMERIC})*"
DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
HOST = rf"(?:{DOMAIN_COMPONENT}(?:\.{DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
DOMAIN = f"{HOST}(?::[0-9]+)?"
PATH = f"{COMPONENT}(?:/{COMPONENT})*"
NAME = f"(?:{DOMAIN}/)?{PATH}"
TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
DIGEST_ALGORITHMS = {"sha256": 64, "sha384": 96, "sha512": 128}
DIGEST = "(?:" + "|".join(f"{name}:[a-f0-9]{{{size}}}" for name, size in DIGEST_ALGORITHMS.items()) + ")"
NAME_MAX = 255  # the path at its registry, library/ included for Docker Hub's own images

_REFERENCE = lazy(f"({NAME})(?::({TAG}))?(?:@([^@]*))?")
_LOOSE_DIGEST = lazy(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}")
_DIGEST = lazy(DIGEST)
_IMAGE_ID = lazy("[a-f0-9]{64}")
DEFAULT_DOMAIN = "docker.io"


class InvalidReference(ValueError):
    """The text is not an image reference a container runtime can pull; says why."""


@record(frozen=True)
class ImageReference:
    """A reference as written: ``repository`` keeps the user's spelling (no docker.io added)."""

    repository: str  # [domain/]path, as written
    tag: str | None
    digest: str | None

    @property
    def domain(self) -> str:
        """The registry the runtime pulls from (docker.io when none is written)."""
        return _split_name(self.repository)[0]

    @property
    def path(self) -> str:
        """The repository's path at its registry (``library/nginx`` for ``nginx``)."""
        return _split_name(self.repository)[1]

    def __str__(self) -> str:
        return self.repository + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")


_NAME_PARTS = lazy(f"(?:({DOMAIN})/)?({PATH})")


def _split_name(repository: str) -> tuple[str, str]:
    """(registry, path) as the runtime splits a valid name: the first part is a registry when it
    looks like one (``_is_domain``) and the grammar reads it as one (else the whole name is the path)."""
    first, slash, _ = repository.partition("/")
    if slash and _is_domain(first):
        match = _NAME_PARTS.fullmatch(repository)
        domain, path = (match.group(1) or "", match.group(2)) if match else ("", repository)
        if domain not in (DEFAULT_DOMAIN, "index.docker.io"):
            return domain, path
    else:
        path = repository
    return DEFAULT_DOMAIN, path if "/" in path else f"library/{path}"


def _is_domain(first: str) -> bool:
    """Whether the part before the first "/" names a registry (splitDockerDomain's rule)."""
    return "." in first or ":" in first or first == "localhost" or first.lower() != first


def parse(text: str) -> ImageReference:
    """``text`` as the kubelet reads it, or InvalidReference saying what is wrong with it."""
    if not isinstance(text, str) or not text:
        raise InvalidReference("an image reference cannot be empty")
    if _IMAGE_ID.fullmatch(text):
        raise InvalidReference("64 hexadecimal digits are an image ID, not a name a runtime can pull")
    first, slash, rest = text.partition("/")
    remainder = rest if slash and _is_domain(first) else text
    repository_path = remainder.split(":", 1)[0].split("@", 1)[0]
    if repository_path.lower() != repository_path:
        raise InvalidReference(f"the repository {repository_path!r} must be lower case")
    match = _REFERENCE.fullmatch(text)
    if match is None:
        raise InvalidReference(_why(text))
    repository, tag, digest = match.group(1), match.group(2), match.group(3)
    if digest is not None:
        if not _LOOSE_DIGEST.fullmatch(digest):
            raise InvalidReference(f"{digest!r} after '@' is not a digest such as sha256:<64 hex digits>")
        if not _DIGEST.fullmatch(digest):
            algorithm, _, hex_digits = digest.partition(":")
            size = DIGEST_ALGORITHMS.get(algorithm)
            if size is None:
                raise InvalidReference(f"the digest algorithm {algorithm!r} is not one a runtime checks "
                                       f"({', '.join(DIGEST_ALGORITHMS)})")
            raise InvalidReference(f"a {algorithm} digest is {size} lower-case hexadecimal digits, "
                                   f"not {len(hex_digits)}{' with capitals' if hex_digits.lower() != hex_digits else ''}")
    reference = ImageReference(repository, tag, digest)
    if len(reference.path) > NAME_MAX:
        raise InvalidReference(f"the repository path is longer than {NAME_MAX} characters ({reference.path!r})")
    return reference


def _why(text: str) -> str:
    """What keeps ``text`` from being a reference, in words, for the common mistakes."""
    name, at, digest = text.partition("@")
    if at and not digest:
        return "nothing follows '@' (a digest such as sha256:<64 hex digits> goes there)"
    if at and "@" in digest:
        return "a reference has one '@' at most"
    first, slash, rest = name.partition("/")
    head = rest if slash and _is_domain(first) else name
    path, colon, tag = head.partition(":")
    if not name:
        return "the repository name is missing before '@'"
    if not path:
        return "the repository name is missing before ':'"
    if colon and not tag:
        return "nothing follows ':' (a tag such as 1.27 goes there)"
    if colon and not re.fullmatch(TAG, tag):
        return (f"the tag {tag!r} is not one a runtime takes (letters, digits, '_', '.' and '-', "
                f"at most 128, not starting with '.' or '-')")
    if slash and _is_domain(first) and not re.fullmatch(DOMAIN, first):
        return f"the registry {first!r} is not a host name with an optional :port"
    for component in path.split("/"):
        if not component:
            return "the repository name has an empty part between slashes"
        if not re.fullmatch(COMPONENT, component):
            return (f"the repository part {component!r} is not lower-case letters and digits joined by "
                    f"'.', '_', '__' or dashes")
    return "it does not follow the image reference grammar ([registry/]name[:tag][@digest])"


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidReference:
        return False
    return True


def split(text: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of any text, a valid reference or not: the parse where there
    is one, else the parts as the last ':' after the last '/' and the first '@' cut them (review
    reads what manifests hold, and says elsewhere when an image does not parse)."""
    try:
        reference = parse(text)
    except InvalidReference:
        name, _, digest = text.partition("@")
        slash, colon = name.rfind("/"), name.rfind(":")
        if colon > slash:
            return name[:colon], name[colon + 1:], digest or None
        return name, None, digest or None
    return reference.repository, reference.tag, reference.digest


# -- for JSON Schema (the Helm chart's values.schema.json) -----------------------------------

REPOSITORY_PATTERN = f"^{NAME}$"
TAG_PATTERN = f"^(?:{TAG})?$"  # values.yaml holds "" for no tag
DIGEST_PATTERN = f"^{DIGEST}$"
