"""Why a post could not be published, for editors: Telegram's error code -> what it means and
how to fix it, in English and Farsi.

The outbox keeps Telegram's code (``Telegram: CHAT_ADMIN_REQUIRED``) for logs and
``relay status``; cards and notices show :func:`explain`, which keeps the code in brackets so
that it can still be looked up. :func:`locate` adds the channel the failure was in.
"""

from __future__ import annotations

from relay.config import Target

_SEP = "\x1f"  # between the channel and the reason in a located failure

#: Telegram error code (or relay's own reason prefix) -> (English, Farsi), ``{where}`` the channel.
EXPLANATIONS: dict[str, tuple[str, str]] = {
    "CHAT_ADMIN_REQUIRED": (
        "the bot is not an admin of {where} with the right to post: add it as an admin with "
        "“Post messages”",
        "ربات در {where} مدیر با اجازهٔ ارسال پست نیست: آن را با اجازهٔ «ارسال پیام» مدیر کنید"),
    "CHAT_WRITE_FORBIDDEN": (
        "the bot may not write in {where}: make it an admin with the right to post",
        "ربات اجازهٔ نوشتن در {where} را ندارد: آن را با اجازهٔ ارسال پست مدیر کنید"),
    "CHANNEL_PRIVATE": (
        "the bot cannot see {where} (removed, or the channel is private): add the bot to the "
        "channel again as an admin",
        "ربات به {where} دسترسی ندارد (حذف شده یا کانال خصوصی است): ربات را دوباره به‌عنوان "
        "مدیر به کانال اضافه کنید"),
    "CHANNEL_INVALID": (
        "{where} does not exist or the configuration names it wrongly: check the target's "
        "channel in the configuration",
        "{where} وجود ندارد یا در پیکربندی اشتباه نوشته شده: کانال مقصد را در پیکربندی بررسی کنید"),
    "USER_BANNED_IN_CHANNEL": (
        "the bot is banned in {where}: unban it and make it an admin with the right to post",
        "ربات در {where} مسدود شده: رفع مسدودیت کنید و آن را با اجازهٔ ارسال پست مدیر کنید"),
    "MESSAGE_TOO_LONG": (
        "the text is too long for one Telegram message in {where}: shorten the translation",
        "متن برای یک پیام تلگرام در {where} بیش از حد بلند است: ترجمه را کوتاه‌تر کنید"),
    "MEDIA_CAPTION_TOO_LONG": (
        "the caption is too long for the media in {where}: shorten the translation",
        "توضیح تصویر برای {where} بیش از حد بلند است: ترجمه را کوتاه‌تر کنید"),
    "ENTITY_BOUNDS_INVALID": (
        "Telegram refused the formatting of the text for {where}: edit the translation's "
        "formatting (bold, links) and submit it again",
        "تلگرام قالب‌بندی متن را برای {where} نپذیرفت: قالب‌بندی ترجمه (پررنگ، پیوندها) را "
        "اصلاح و دوباره ارسال کنید"),
    "MEDIA_EMPTY": (
        "Telegram no longer has the post's media for {where}: the file must be downloaded "
        "again (ask the operator)",
        "رسانهٔ پست دیگر در تلگرام نیست ({where}): فایل باید دوباره دانلود شود (به گرداننده "
        "بگویید)"),
    "MediaMissing": (
        "the post's media file is not on disk, so it cannot go to {where}: ask the operator "
        "to restore the media folder",
        "فایل رسانهٔ پست روی دیسک نیست و نمی‌تواند به {where} برود: از گرداننده بخواهید پوشهٔ "
        "رسانه را بازگرداند"),
    "LookupError": (
        "the target or the job is no longer in the configuration ({where}): restore the target "
        "in the configuration, or leave the job",
        "مقصد یا کار دیگر در پیکربندی نیست ({where}): مقصد را به پیکربندی بازگردانید یا کار را "
        "رها کنید"),
}


def where_of(target: Target | None, key: str = "") -> str:
    """The channel as editors know it: ``@relay_en``, else the target's key."""
    if target is not None and target.ref.username:
        return "@" + target.ref.username
    return target.key if target is not None else (key or "the channel")


def locate(reason: str | None, where: str) -> str | None:
    """A stored failure reason with the channel it happened in (for :func:`explain`)."""
    return None if reason is None else f"{where}{_SEP}{reason}"


def code_of(reason: str) -> str:
    """``Telegram: CHAT_ADMIN_REQUIRED`` -> ``CHAT_ADMIN_REQUIRED``; ``MediaMissing: ...`` ->
    ``MediaMissing``."""
    if reason.startswith("Telegram: "):
        return reason.removeprefix("Telegram: ").strip()
    return reason.split(":", 1)[0].strip()


def explain(failure: str, lang: str, where: str | None = None) -> str:
    """What editors read: the meaning and the fix, then the raw reason in brackets. A reason
    without a known explanation is shown as it is."""
    if _SEP in failure:
        where, failure = failure.split(_SEP, 1)
    texts = EXPLANATIONS.get(code_of(failure))
    if texts is None:
        return failure
    english, farsi = texts
    return (farsi if lang == "fa" else english).format(where=where or "the channel") \
        + f" ({failure})"
