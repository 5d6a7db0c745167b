"""Image references in Docker 1.12.3: `docker/reference` over the vendored `distribution/reference`.

Two layers, as in Go. The distribution package parses a reference string with one anchored regular
expression into name, tag and digest. Docker's package then *normalises* the name: the default
registry `docker.io` (and the legacy `index.docker.io`) is dropped, and so is the `library/` prefix
of official images, so `docker.io/library/ubuntu` and `ubuntu` are the same reference; the full form
comes back through `FullName`, `Hostname` and `RemoteName`. A name must be lowercase and may not be a
64-hex string (that would be ambiguous with an image ID).

Run `python -m walkthrough.reimpl.docker.reference ubuntu localhost:5000/foo:1.0 Foo/bar` for a table.

Proven against the real Go (`walkthrough parity --live --model docker_ids`): ParseNamed and every
accessor, WithDefaultTag, ParseIDOrReference, WithName and distribution's ParseDigest on references
built from the grammar's parts and on any text. Still simplified: `WithTag`/`WithDigest` on their own,
and digest algorithms beyond the three Docker registers, are not compared live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from walkthrough.errors import WalkthroughError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.docker import _gostd


class ReferenceError(WalkthroughError):  # noqa: A001 - the model's public name; never the builtin here
    """An error either reference package returns; the message is Go's."""


# -- distribution/digest ---------------------------------------------------------------------------

_DIGEST_ANCHORED = re.compile(r"[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+\Z")
_ALGORITHM_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


@mirrors("docker:vendor/src/github.com/docker/distribution/digest.Digest.Validate")
def validate_digest(s: str) -> ReferenceError | None:
    """`algorithm:hex` with a known algorithm and a hex part of exactly the digest's length."""
    if not _DIGEST_ANCHORED.match(s):
        return ReferenceError("invalid checksum digest format")
    i = s.find(":")
    if i < 0 or i + 1 == len(s):
        return ReferenceError("invalid checksum digest format")
    algorithm = s[:i]
    if algorithm not in _ALGORITHM_SIZES:
        return ReferenceError("unsupported digest algorithm")
    if _ALGORITHM_SIZES[algorithm] * 2 != len(s[i + 1:]):
        return ReferenceError("invalid checksum digest length")
    return None


@mirrors("docker:vendor/src/github.com/docker/distribution/digest.ParseDigest")
def parse_digest(s: str) -> tuple[str, ReferenceError | None]:
    return s, validate_digest(s)


# -- distribution/reference: the grammar -----------------------------------------------------------
# Built the way regexp.go builds it, from small expressions. Two translations from Go's RE2 to
# Python's `re`: `$` becomes `\Z` (Python's `$` also matches before a final newline) and `\w` is
# ASCII-only. One rewrite for speed only: Go's separator `(?:[._]|__|[-]*)` can match the empty
# string, which makes Python backtrack exponentially on a long invalid name; `[-]+` accepts exactly
# the same names (an empty separator just joins two alphanumeric runs into one) and keeps it linear.


def _expression(*res: str) -> str:
    return "".join(res)


def _optional(*res: str) -> str:
    return _group(_expression(*res)) + "?"


def _repeated(*res: str) -> str:
    return _group(_expression(*res)) + "+"


def _group(*res: str) -> str:
    return "(?:" + _expression(*res) + ")"


def _capture(*res: str) -> str:
    return "(" + _expression(*res) + ")"


def _anchored(*res: str) -> str:
    return "^" + _expression(*res) + r"\Z"


def _literal(s: str) -> str:
    return re.escape(s)


ALPHA_NUMERIC = r"[a-z0-9]+"
SEPARATOR = r"(?:[._]|__|[-]+)"  # Go: (?:[._]|__|[-]*), see above
NAME_COMPONENT = _expression(ALPHA_NUMERIC, _optional(_repeated(SEPARATOR, ALPHA_NUMERIC)))
HOSTNAME_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
HOSTNAME = _expression(HOSTNAME_COMPONENT, _optional(_repeated(_literal("."), HOSTNAME_COMPONENT)),
                       _optional(_literal(":"), r"[0-9]+"))
TAG = r"[\w][\w.-]{0,127}"
DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}"
NAME = _expression(_optional(HOSTNAME, _literal("/")), NAME_COMPONENT,
                   _optional(_repeated(_literal("/"), NAME_COMPONENT)))

ANCHORED_TAG_RE = re.compile(_anchored(TAG), re.ASCII)
ANCHORED_DIGEST_RE = re.compile(_anchored(DIGEST), re.ASCII)
ANCHORED_NAME_RE = re.compile(_anchored(_optional(_capture(HOSTNAME), _literal("/")),
                                        _capture(NAME_COMPONENT, _optional(_repeated(_literal("/"),
                                                                                     NAME_COMPONENT)))), re.ASCII)
REFERENCE_RE = re.compile(_anchored(_capture(NAME), _optional(_literal(":"), _capture(TAG)),
                                    _optional(_literal("@"), _capture(DIGEST))), re.ASCII)

NAME_TOTAL_LENGTH_MAX = 255
ERR_REFERENCE_INVALID_FORMAT = "invalid reference format"
ERR_NAME_EMPTY = "repository name must have at least one component"
ERR_NAME_TOO_LONG = f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"


# -- distribution/reference: the types -------------------------------------------------------------


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.repository")
@dataclass(frozen=True)
class Repository:
    """A name only: `ubuntu`, `localhost:5000/foo`."""

    name: str

    def string(self) -> str:
        return self.name


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.taggedReference")
@dataclass(frozen=True)
class TaggedReference:
    """`name:tag`."""

    name: str
    tag: str

    def string(self) -> str:
        return self.name + ":" + self.tag


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.canonicalReference")
@dataclass(frozen=True)
class CanonicalReference:
    """`name@digest`."""

    name: str
    digest: str

    def string(self) -> str:
        return self.name + "@" + self.digest


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.digestReference")
@dataclass(frozen=True)
class DigestReference:
    """A digest without a name (has no Name: ParseNamed rejects it)."""

    digest: str

    def string(self) -> str:
        return self.digest


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.reference")
@dataclass(frozen=True)
class FullReference:
    """`name:tag@digest`: both tag and digest."""

    name: str
    tag: str
    digest: str

    def string(self) -> str:
        return self.name + ":" + self.tag + "@" + self.digest


DistReference = Repository | TaggedReference | CanonicalReference | DigestReference | FullReference


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.getBestReferenceType")
def get_best_reference_type(name: str, tag: str, digest: str) -> DistReference | None:
    """The narrowest type that holds what was parsed."""
    if name == "":
        return DigestReference(digest) if digest else None
    if tag == "":
        return CanonicalReference(name, digest) if digest else Repository(name)
    if digest == "":
        return TaggedReference(name, tag)
    return FullReference(name, tag, digest)


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.Parse")
def dist_parse(s: str) -> DistReference:
    """Match the whole reference grammar; the name may hold at most 255 characters."""
    matches = REFERENCE_RE.match(s)
    if matches is None:
        raise ReferenceError(ERR_NAME_EMPTY if s == "" else ERR_REFERENCE_INVALID_FORMAT)
    name, tag, digest = matches.group(1), matches.group(2) or "", matches.group(3) or ""
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise ReferenceError(ERR_NAME_TOO_LONG)
    if digest:
        digest, err = parse_digest(digest)
        if err is not None:
            raise err
    ref = get_best_reference_type(name, tag, digest)
    if ref is None:
        raise ReferenceError(ERR_NAME_EMPTY)
    return ref


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.ParseNamed")
def dist_parse_named(s: str) -> Repository | TaggedReference | CanonicalReference | FullReference:
    """Parse, then insist on a name."""
    ref = dist_parse(s)
    if isinstance(ref, DigestReference):
        raise ReferenceError(f"reference {ref.string()} has no name")
    return ref


@mirrors("docker:vendor/src/github.com/docker/distribution/reference.WithName")
def dist_with_name(name: str) -> Repository:
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise ReferenceError(ERR_NAME_TOO_LONG)
    if not ANCHORED_NAME_RE.match(name):
        raise ReferenceError(ERR_REFERENCE_INVALID_FORMAT)
    return Repository(name)


# -- docker/reference ------------------------------------------------------------------------------

DEFAULT_TAG = "latest"
DEFAULT_HOSTNAME = "docker.io"
LEGACY_DEFAULT_HOSTNAME = "index.docker.io"
DEFAULT_REPO_PREFIX = "library/"

_VALID_HEX = re.compile(r"^([a-f0-9]{64})\Z")


@mirrors("docker:image/v1.ValidateID")
def validate_id(image_id: str) -> ReferenceError | None:
    """A v1 image ID is exactly 64 lowercase hex characters."""
    if not _VALID_HEX.match(image_id):
        return ReferenceError(f"image ID {_gostd.quote(image_id)} is invalid")
    return None


@mirrors("docker:reference.splitHostname")
def split_hostname(name: str) -> tuple[str, str]:
    """The first component is a registry only if it has a `.` or `:` or is `localhost`."""
    i = name.find("/")
    if i == -1 or (not any(c in name[:i] for c in ".:") and name[:i] != "localhost"):
        hostname, remote_name = DEFAULT_HOSTNAME, name
    else:
        hostname, remote_name = name[:i], name[i + 1:]
    if hostname == LEGACY_DEFAULT_HOSTNAME:
        hostname = DEFAULT_HOSTNAME
    if hostname == DEFAULT_HOSTNAME and "/" not in remote_name:
        remote_name = DEFAULT_REPO_PREFIX + remote_name
    return hostname, remote_name


@mirrors("docker:reference.normalize")
def normalize(name: str) -> str:
    """Drop the default registry and `library/`; refuse upper case in the repository part."""
    host, remote_name = split_hostname(name)
    if remote_name.lower() != remote_name:
        raise ReferenceError("invalid reference format: repository name must be lowercase")
    if host == DEFAULT_HOSTNAME:
        return remote_name.removeprefix(DEFAULT_REPO_PREFIX)
    return name


@mirrors("docker:reference.validateName")
def validate_name(name: str) -> None:
    if validate_id(name) is None:
        raise ReferenceError(f"Invalid repository name ({name}), cannot specify 64-byte hexadecimal strings")


@mirrors("docker:reference.namedRef")
@dataclass(frozen=True)
class NamedRef:
    """Docker's Named: a normalised distribution reference plus the registry view of its name."""

    ref: Repository | TaggedReference | CanonicalReference

    def name(self) -> str:
        return self.ref.name

    def string(self) -> str:
        return self.ref.string()

    @mirrors("docker:reference.namedRef.FullName")
    def full_name(self) -> str:
        hostname, remote_name = split_hostname(self.name())
        return hostname + "/" + remote_name

    @mirrors("docker:reference.namedRef.Hostname")
    def hostname(self) -> str:
        return split_hostname(self.name())[0]

    @mirrors("docker:reference.namedRef.RemoteName")
    def remote_name(self) -> str:
        return split_hostname(self.name())[1]


@mirrors("docker:reference.taggedRef")
@dataclass(frozen=True)
class TaggedRef(NamedRef):
    """Docker's NamedTagged."""

    @mirrors("docker:reference.taggedRef.Tag")
    def tag(self) -> str:
        assert isinstance(self.ref, TaggedReference)
        return self.ref.tag


@mirrors("docker:reference.canonicalRef")
@dataclass(frozen=True)
class CanonicalRef(NamedRef):
    """Docker's Canonical."""

    @mirrors("docker:reference.canonicalRef.Digest")
    def digest(self) -> str:
        assert isinstance(self.ref, CanonicalReference)
        return self.ref.digest


@mirrors("docker:reference.WithName")
def with_name(name: str) -> NamedRef:
    """Normalise, refuse 64-hex names, then check the name grammar."""
    name = normalize(name)
    validate_name(name)
    return NamedRef(dist_with_name(name))


@mirrors("docker:reference.WithTag")
def with_tag(named: NamedRef, tag: str) -> TaggedRef:
    if not ANCHORED_TAG_RE.match(tag):
        raise ReferenceError("invalid tag format")
    return TaggedRef(TaggedReference(named.name(), tag))


@mirrors("docker:reference.WithDigest")
def with_digest(named: NamedRef, digest: str) -> CanonicalRef:
    if not ANCHORED_DIGEST_RE.match(digest):
        raise ReferenceError("invalid digest format")
    return CanonicalRef(CanonicalReference(named.name(), digest))


@mirrors("docker:reference.ParseNamed")
def parse_named(s: str) -> NamedRef:
    """Parse with distribution, then rebuild from the normalised name; a digest wins over a tag.

    Any distribution error becomes `Error parsing reference: "<s>" is not a valid repository/tag`,
    but errors of the normalisation (upper case, 64-hex names) come through as they are.
    """
    try:
        named = dist_parse_named(s)
    except ReferenceError:
        raise ReferenceError(f"Error parsing reference: {_gostd.quote(s)} is not a valid repository/tag") from None
    r = with_name(named.name)
    if isinstance(named, (CanonicalReference, FullReference)):
        return with_digest(r, named.digest)
    if isinstance(named, TaggedReference):
        return with_tag(r, named.tag)
    return r


@mirrors("docker:reference.IsNameOnly")
def is_name_only(ref: NamedRef) -> bool:
    return not isinstance(ref, (TaggedRef, CanonicalRef))


@mirrors("docker:reference.WithDefaultTag")
def with_default_tag(ref: NamedRef) -> NamedRef:
    """A name alone gets `:latest`; a tag or digest is kept."""
    if is_name_only(ref):
        return with_tag(ref, DEFAULT_TAG)
    return ref


@mirrors("docker:reference.ParseIDOrReference")
def parse_id_or_reference(id_or_ref: str) -> tuple[str, NamedRef | None]:
    """An image ID, a digest or a reference.

    A 64-hex string is an image ID (`sha256:` is prepended); a valid digest is returned as a digest; anything
    else must parse as a reference.
    """
    if validate_id(id_or_ref) is None:
        id_or_ref = "sha256:" + id_or_ref
    dgst, err = parse_digest(id_or_ref)
    if err is None:
        return dgst, None
    return "", parse_named(id_or_ref)


def describe(s: str) -> dict[str, object]:
    """Everything the reference packages say about one string (the shape of the golden vectors)."""
    out: dict[str, object] = {}
    try:
        ref = parse_named(s)
        out.update(name=ref.name(), string=ref.string(), full_name=ref.full_name(), hostname=ref.hostname(),
                   remote_name=ref.remote_name(), is_name_only=is_name_only(ref),
                   with_default_tag=with_default_tag(ref).string())
        if isinstance(ref, TaggedRef):
            out["tag"] = ref.tag()
        if isinstance(ref, CanonicalRef):
            out["digest"] = ref.digest()
    except ReferenceError as exc:
        out["error"] = exc.message
    try:
        dgst, named = parse_id_or_reference(s)
        out["parse_id_or_reference"] = {"digest": dgst} if named is None else {"ref": named.string()}
    except ReferenceError as exc:
        out["parse_id_or_reference"] = {"error": exc.message}
    try:
        out["with_name"] = with_name(s).string()
    except ReferenceError as exc:
        out["with_name_error"] = exc.message
    return out


def main(argv: list[str] | None = None) -> int:
    """Print how each reference is parsed and normalised."""
    import argparse  # noqa: PLC0415 - only the demo reads arguments

    parser = argparse.ArgumentParser(
        prog="python -m walkthrough.reimpl.docker.reference",
        description="How Docker 1.12.3 parses and normalises image references (name, tag, digest, hostname).")
    parser.add_argument("refs", nargs="*", metavar="REFERENCE", help="references to parse (default: a sample set)")
    refs = parser.parse_args(argv).refs or [
        "ubuntu", "docker.io/library/ubuntu:14.04", "index.docker.io/foo/bar", "localhost:5000/foo",
        "localhost:5000", "gcr.io/google_containers/pause:2.0",
        "busybox@sha256:" + "0123456789abcdef" * 4, "Foo/bar", "0123456789abcdef" * 4]
    for s in refs:
        d = describe(s)
        print(f"{s!r}")
        if "error" in d:
            print(f"    error: {d['error']}")
        else:
            print(f"    name={d['name']}  string={d['string']}  tag={d.get('tag', '-')}  digest={d.get('digest', '-')}")
            print(f"    full name={d['full_name']}  (hostname {d['hostname']}, remote {d['remote_name']})")
            print(f"    with default tag: {d['with_default_tag']}")
        print(f"    ParseIDOrReference: {d['parse_id_or_reference']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
