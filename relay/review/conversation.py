"""Plain values between the Telegram adapter and the review use cases. Pure.

In: a message (:class:`Incoming`) or a verified button press (:class:`Press`).
Out: a :class:`Response`: what to send, in order (:class:`Say`), which jobs' cards to edit
(:class:`RefreshCards`), the answer for the person and whether the publisher has work. The
adapter turns these into Telegram requests; nothing here knows Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from relay.text.formatting import Entity, FormattedText


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    label: str
    action: str  # a key of relay.telegram.callbacks.CODES
    value: int | None = None  # carried instead of the job's version (issue 11: a member id)


#: Rows of buttons, as a card or a preview shows them.
ButtonRows = list[list[ButtonSpec]]


@dataclass(frozen=True, slots=True)
class Press:
    """A button press whose data was verified: what, on which job, at which version."""

    action: str
    job_id: int
    version: int


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message in a chat the bot is in, as plain values."""

    chat_id: int
    sender_id: int | None
    message_id: int
    text: str
    entities: tuple[Entity, ...] = ()
    reply_to: int | None = None  # the id of the message this one replies to
    private: bool = False
    reply_to_bot: bool = False  # the message replied to is one the bot sent

    @property
    def is_command(self) -> bool:
        return self.text.startswith("/")


@dataclass(frozen=True, slots=True)
class Say:
    """One message to send.

    Buttons are signed for ``chat`` and the job's ``version`` when they are sent. ``remember``
    ties the sent message to the job under that kind (``card``, ``preview``, ``reject_prompt``,
    ...) so that replies to it and later edits find the job. With ``on_failure`` set, a failed
    send is logged under that event name and the next messages still go out (then ``fallback``
    is tried, if given); without it the failure stops the response.
    """

    chat: int
    text: FormattedText
    buttons: ButtonRows | None = None
    job_id: int | None = None
    version: int = 0
    reply_to: int | None = None
    remember: str | None = None
    for_user: int | None = None
    on_failure: str | None = None
    fallback: int | None = None

    @classmethod
    def plain(cls, chat: int, text: str, **kw: object) -> Say:
        return cls(chat, FormattedText(text), **kw)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class RefreshCards:
    """Edit every card of the job to show its state at the time of the edit."""

    job_id: int


@dataclass(frozen=True, slots=True)
class CardEdit:
    """One card message to edit in place."""

    chat: int
    message_id: int
    text: FormattedText
    buttons: ButtonRows
    job_id: int
    version: int


@dataclass(slots=True)
class Response:
    """What a use case wants said and done.

    ``answer`` goes to the person who acted: as the answer to their press (an alert when not
    ``done``), or as a reply to their message, after ``messages``.
    """

    messages: list[Say | RefreshCards] = field(default_factory=list)
    answer: str | None = None
    done: bool = True
    wake_publisher: bool = False  # a job was approved or a publication is to be retried

    @classmethod
    def refused(cls, answer: str,
                messages: Sequence[Say | RefreshCards] | None = None) -> Response:
        return cls(list(messages or []), answer, done=False)
