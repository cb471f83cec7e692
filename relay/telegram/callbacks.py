"""Inline-button data: what the button does, to which job, at which version, signed.

``<action>:<job>:<version>:<signature>`` stays far under Telegram's 64 bytes. The signature is
an HMAC over the data and the chat the button was sent to, keyed by a secret only relay
knows, so a modified client cannot turn a button into another action, another job, or the
same button replayed in another chat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from relay.review.conversation import Press

MAX_BYTES = 64

#: Button actions and their one-letter codes.
CODES = {
    "claim": "c",
    "release": "l",
    "skip": "s",
    "notfa": "n",
    "approve": "a",
    "confirm": "k",
    "reject": "r",
    "edit": "e",
    "reopen": "o",
    "keep": "p",
    "retry": "t",
    "use_yes": "y",  # issue 10: the "version" of these two is the id of the kept reply
    "use_no": "x",
    "done": "d",  # issue 10: the parts of a long translation are complete
    "split": "v",  # issue 11: the "version" is the statement member to split off
    "memory": "h",  # issue 14: the "version" is the earlier job whose translation to send
    "machine_draft": "m",  # issue 14: send the translator the machine draft
}
_ACTIONS = {code: name for name, code in CODES.items()}


class CallbackSigner:
    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("callback key too short")
        self._key = key

    @classmethod
    def from_secret(cls, secret: str) -> CallbackSigner:
        """Derive the key from a secret (the bot token): stable across restarts, never stored."""
        return cls(hashlib.sha256(b"relay-callback-v1:" + secret.encode()).digest())

    def _sign(self, body: str, chat_id: int) -> str:
        mac = hmac.new(self._key, f"{body}|{chat_id}".encode(), hashlib.sha256).digest()[:9]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def encode(self, action: str, job_id: int, version: int, chat_id: int) -> bytes:
        body = f"{CODES[action]}:{job_id}:{version}"
        data = f"{body}:{self._sign(body, chat_id)}".encode()
        assert len(data) <= MAX_BYTES
        return data

    def decode(self, data: bytes, chat_id: int) -> Press | None:
        """The press the data stands for, or None if it is malformed or not ours."""
        if not data or len(data) > MAX_BYTES:
            return None
        try:
            code, job, version, sig = data.decode("ascii").split(":")
            press = Press(_ACTIONS[code], int(job), int(version))
        except (UnicodeDecodeError, ValueError, KeyError):
            return None
        body = f"{code}:{job}:{version}"
        if not hmac.compare_digest(sig, self._sign(body, chat_id)):
            return None
        return press
