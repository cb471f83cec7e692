"""Serialise TL objects the way they cross the wire, so the simulation never shares objects.

Every request the client makes is turned into bytes and read back before the scripted server
sees it, and every answer is turned into bytes and read back with ``request.read_result``
before the client sees it, exactly as Telethon's own sender does. A request or answer that
cannot be serialised fails here as it would against Telegram.
"""

from __future__ import annotations

import struct
from typing import Any

from telethon.extensions import BinaryReader
from telethon.tl.tlobject import TLObject, TLRequest

_VECTOR = 0x1CB5C415
_BOOL_TRUE = 0x997275B5
_BOOL_FALSE = 0xBC799737


def encode_result(result: Any) -> bytes:
    """Bytes of an answer: a TL object, a vector of them, a bool, or a vector of ints."""
    if isinstance(result, bool):
        return struct.pack("<I", _BOOL_TRUE if result else _BOOL_FALSE)
    if isinstance(result, TLObject):
        return bytes(result)
    if isinstance(result, list):
        head = struct.pack("<Ii", _VECTOR, len(result))
        if all(isinstance(x, TLObject) for x in result):
            return head + b"".join(bytes(x) for x in result)
        if all(isinstance(x, int) for x in result):
            return head + b"".join(struct.pack("<q", x) for x in result)
    raise TypeError(f"cannot encode {type(result).__name__} as a TL answer")


def roundtrip_request(request: TLRequest) -> TLRequest:
    """The request as the server would read it off the wire."""
    with BinaryReader(bytes(request)) as reader:
        return reader.tgread_object()


def decode_result(request: TLRequest, result: Any) -> Any:
    """The answer as the client reads it: through the request's own ``read_result``."""
    with BinaryReader(encode_result(result)) as reader:
        return request.read_result(reader)


def copy_object(obj: TLObject) -> TLObject:
    """A deep copy of a TL object, made through its wire form."""
    with BinaryReader(bytes(obj)) as reader:
        return reader.tgread_object()
