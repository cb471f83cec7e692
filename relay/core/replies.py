"""Is a reply to a card meant as a translation? Pure.

In a volunteers' group people reply to cards to talk ("Is anyone doing this one?", "on it",
"👍", a remark in Farsi) as often as to submit a translation. The bot must never turn chatter
into a draft and never lose a translation, so a reply is sorted three ways:

- ``CHATTER``: certainly not a translation (no letters, written in the source's script, a
  short question, an acknowledgement): never a draft.
- ``TRANSLATION``: certainly one (several paragraphs, or a long text with no sign of chat).
- ``UNSURE``: anything else (a one-line translation looks much like a remark): the bot asks
  the sender whether to use it, and nothing is lost either way.

What the bot then does with each kind (the claimer's rule) is in the review use cases.
"""

from __future__ import annotations

import enum
import re
import unicodedata


class ReplyKind(enum.Enum):
    TRANSLATION = "translation"
    CHATTER = "chatter"
    UNSURE = "unsure"


#: Scripts whose letters mean "written in the source language" for a Farsi source.
_ARABIC_SCRIPT_TARGETS = frozenset({"fa", "ar", "ur", "ps", "ckb", "ku"})
#: At least this many words (or two paragraphs) with no sign of chat make a certain translation.
CERTAIN_WORDS = 25
#: Only a reply of at most this many words can be taken for chat by its wording.
CHAT_WORDS = 14

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_END = r"[\s.!,…:)(\U0001F300-\U0001FAFF\u2600-\u27BF\ufe0f]*$"
_ACK_WORDS = (r"(?:ok(?:ay)?|k|sure|yes|no|yep|nope|done|mine|lol|haha+|np|no problem|\+1|nice|"
              r"great|cool|agreed?|hi|hello|hey|bye|got it|will do|noted|perfect|sorry|on it|"
              r"i'?m on it|me too|dibs|thanks?(?: a lot| so much)?|thank you(?: so much)?|thx|ty|"
              r"good (?:job|work|catch)|well done)")
#: A whole reply that only acknowledges, thanks or greets (perhaps naming someone).
_ACK = re.compile(
    rf"^{_ACK_WORDS}(?:[\s,]+{_ACK_WORDS})*(?:[\s,]+(?:everyone|all|guys|team|folks|"
    rf"(?-i:[A-Z])[^\W\d_]+))?" + _END,
    re.IGNORECASE,
)
#: How volunteers open a remark about the work (never how a worker statement opens).
_META_OPENER = re.compile(
    r"^(?:i'?ll (?:take|do|translate|look|check|get|handle|review)|i will (?:take|translate|"
    r"handle|review) (?:it|this|that|job)|i can (?:take|do|translate|handle)|i'?m (?:on it|"
    r"taking|translating|doing|working on|done)|i am (?:on it|taking|translating|working on)|"
    r"on it|taking (?:it|this)|is (?:anyone|anybody|someone|somebody)|(?:can|could|does|did) "
    r"(?:anyone|anybody|someone|somebody|you)|anyone (?:free|doing|on|taking|want|available|"
    r"here|around|up for|know|seen|have)|who(?:'s| is) (?:on|doing|taking)|should (?:i|we)|"
    r"are you|do you|have you|(?:sorry|hi|hello|hey|ok(?:ay)?),|lol|fyi|btw|"
    r"please (?:check|review|approve|look))(?!\w)",
    re.IGNORECASE,
)
#: A short question addressed to someone, or about the work itself, is a remark.
_ADDRESSED = re.compile(
    r"\b(?:you|your|i|me|my|anyone|anybody|someone|somebody|this one|that one|(?:the|this|"
    r"that|my) (?:job|post|draft|card|translation)|same (?:statement|post|one|text))\b",
    re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")


def _letters(text: str) -> tuple[int, int]:
    """(letters in the Arabic script, all letters)."""
    arabic = total = 0
    for ch in text:
        if ch.isalpha():
            total += 1
            if "ARABIC" in unicodedata.name(ch, ""):
                arabic += 1
    return arabic, total


def classify_reply(text: str, *, target_language: str = "en") -> ReplyKind:
    """How to take a reply to a card whose job translates into ``target_language``."""
    stripped = text.strip()
    arabic, letters = _letters(stripped)
    if letters == 0:
        return ReplyKind.CHATTER  # emoji, punctuation, numbers
    if target_language not in _ARABIC_SCRIPT_TARGETS and arabic * 2 > letters:
        return ReplyKind.CHATTER  # a remark in the source's language
    words = _WORD.findall(stripped)
    paragraphs = [p for p in re.split(r"\n\s*\n", stripped) if p.strip()]
    if len(words) <= CHAT_WORDS and len(paragraphs) == 1:
        question = "?" in stripped or "؟" in stripped
        if (_ACK.match(stripped) or _META_OPENER.match(stripped) or _MENTION.search(stripped)
                or (question and _ADDRESSED.search(stripped))):
            return ReplyKind.CHATTER
    if len(paragraphs) >= 2 or len(words) >= CERTAIN_WORDS:
        return ReplyKind.TRANSLATION
    return ReplyKind.UNSURE
