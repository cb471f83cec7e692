"""What the bot says about machine drafts (issue 14), in English and Farsi; merged into
:data:`relay.review.texts.TEXTS`. Pure."""

from __future__ import annotations

MACHINE_DRAFT_TEXTS: dict[str, tuple[str, str]] = {
    "draft.title": ("Machine draft ({engine}, {model}{via}) — check before submitting:",
                    "پیش‌نویس ماشینی ({engine}، {model}{via}) — پیش از فرستادن بررسی کنید:"),
    "draft.via": (", via {lang}", "، از راه {lang}"),
    "draft.cut": ("… (the whole draft: press the button)",
                  "… (کل پیش‌نویس: دکمه را بزنید)"),
    "button.machine_draft": ("✍ Send me the machine draft", "✍ پیش‌نویس ماشینی را برایم بفرست"),
    "draft.sent_intro": ("{name}, job {job}: the machine draft ({engine}) follows. It is a "
                         "machine's translation, not yours yet: correct it and send it back as "
                         "a reply to it. Nothing is published until an editor approves "
                         "what you send.",
                         "{name}، کار {job}: پیش‌نویس ماشینی ({engine}) در پیام بعد. این "
                         "ترجمهٔ ماشین است، نه هنوز ترجمهٔ شما: آن را درست کنید و در پاسخ به "
                         "آن بفرستید. "
                         "تا ویراستاری تأیید نکند چیزی منتشر نمی‌شود."),
    "ok.draft_sent": ("Job {job} is yours: here is its machine draft to correct.",
                      "کار {job} مال شماست: این پیش‌نویس ماشینی آن برای اصلاح است."),
    "no.no_draft": ("Job {job} has no machine draft.", "کار {job} پیش‌نویس ماشینی ندارد."),
    "no.draft_closed": ("Job {job} is no longer waiting for a translation.",
                        "کار {job} دیگر منتظر ترجمه نیست."),
    "no.draft_claimed": ("Job {job} is claimed by {name}: only they get its machine draft.",
                         "کار {job} را {name} برداشته است: فقط او پیش‌نویس ماشینی را می‌گیرد."),
    "no.draft_unknown": ("There is no job {job}.", "کار {job} وجود ندارد."),
    "no.draft_outdated": ("This button is out of date: job {job} has changed since.",
                          "این دکمه کهنه است: کار {job} از آن زمان تغییر کرده است."),
}

