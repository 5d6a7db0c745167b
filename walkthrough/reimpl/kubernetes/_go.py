"""The bits of Go the Kubernetes models lean on besides `fmt` (`reimpl/_gofmt`): unicode.IsSpace, runtime panics."""

from __future__ import annotations

GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
"""What `unicode.IsSpace` calls space (`strings.TrimSpace` trims these; Python's `str.strip()` trims more)."""

NIL_DEREFERENCE = "runtime error: invalid memory address or nil pointer dereference"


class GoPanic(RuntimeError):
    """Where the Go panics (a nil dereference, an index out of range); str() is what the panic prints."""
