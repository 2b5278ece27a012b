"""Strict reading of SPARQL Protocol requests.

werkzeug decodes a query string or form body with errors="replace": bytes
that are not UTF-8 become U+FFFD and a query other than the one sent would
run. Here they are an error that names the byte offset.
"""
from __future__ import annotations

import urllib.parse


class BadRequest(ValueError):
    """A request the protocol does not allow: answered 400 with this message."""


def utf8(data: bytes, what: str, of: str = "") -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(f"{what} is not UTF-8: byte 0x{data[e.start]:02x} at byte offset {e.start}{of}") from None


def parameters(encoded: bytes, where: str) -> dict[str, list[str]]:
    """application/x-www-form-urlencoded pairs (a query string or a form body), every
    value of every name, decoded strictly."""
    out: dict[str, list[str]] = {}
    for pair in encoded.split(b"&"):
        if not pair:
            continue
        key, _, value = pair.partition(b"=")
        key, value = (urllib.parse.unquote_to_bytes(x.replace(b"+", b" ")) for x in (key, value))
        name = utf8(key, f"a parameter name in the {where}", " of the %-decoded name")
        out.setdefault(name, []).append(utf8(value, f"the {name} parameter in the {where}", " of its %-decoded value"))
    return out
