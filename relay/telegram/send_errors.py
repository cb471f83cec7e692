"""What a failed send means: whether retrying can cure it, and one line saying why."""

from __future__ import annotations

import re

from telethon import errors

#: Failures that retrying will not cure: editors must act.
PERMANENT = (
    errors.ChatWriteForbiddenError,
    errors.ChatAdminRequiredError,
    errors.ChannelPrivateError,
    errors.ChannelInvalidError,
    errors.UserBannedInChannelError,
    errors.MessageTooLongError,
    errors.MediaCaptionTooLongError,
    errors.EntityBoundsInvalidError,
    errors.MediaEmptyError,
    # issue 10 (r10a): what Telegram refuses in the message itself never passes on a retry
    errors.MessageEmptyError,
    errors.ButtonDataInvalidError,
    errors.MultiMediaTooLongError,
    errors.EntitiesTooLongError,
)


def failure_reason(exc: BaseException) -> str:
    """One line for editors and logs: Telegram's error code, or the exception and message."""
    if isinstance(exc, errors.RPCError):
        name = type(exc).__name__
        if name.endswith("Error") and type(exc).__module__.endswith("rpcerrorlist"):
            # Known errors carry a generic ``message``; the class name is Telegram's code.
            code = re.sub(r"(?<!^)(?=[A-Z])", "_", name.removesuffix("Error")).upper()
            return f"Telegram: {code}"
        return f"Telegram: {exc.message}"
    return f"{type(exc).__name__}: {exc}"
