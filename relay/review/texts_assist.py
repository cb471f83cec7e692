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

#: /glossary, the card's glossary line and the preview's warning (review/glossary.py).
GLOSSARY_TEXTS: dict[str, tuple[str, str]] = {
    "glossary.usage": ("Usage: /glossary <lang> [page] · /glossary add <lang> <term> = <translation>"
              " [| note] · /glossary remove <lang> <term> (languages: {langs})",
              "طرز استفاده: ‎/glossary <زبان> [صفحه] · ‎/glossary افزودن <زبان> <اصطلاح> = <ترجمه>"
              " [| یادداشت] · ‎/glossary حذف <زبان> <اصطلاح> (زبان‌ها: {langs})"),
    "glossary.bad_lang": ("No target translates into {code}; languages: {langs}.",
                 "هیچ مقصدی به {code} ترجمه نمی‌کند؛ زبان‌ها: {langs}."),
    "glossary.summary": ("Glossary: {counts}. List one: /glossary <lang>.",
                "واژه‌نامه: {counts}. فهرست یک زبان: ‎/glossary <زبان>"),
    "glossary.empty": ("The {lang} glossary is empty. Add a term: /glossary add {lang} <term> ="
              " <translation>", "واژه‌نامهٔ {lang} خالی است. افزودن: ‎/glossary افزودن {lang}"
              " <اصطلاح> = <ترجمه>"),
    "glossary.head": ("Glossary {lang}, {count} terms (page {page}/{pages}):",
             "واژه‌نامهٔ {lang}، {count} اصطلاح (صفحهٔ {page} از {pages}):"),
    "glossary.more": ("More: /glossary {lang} {next}", "ادامه: ‎/glossary {lang} {next}"),
    "glossary.no_page": ("The {lang} glossary has {pages} page(s).",
                "واژه‌نامهٔ {lang} {pages} صفحه دارد."),
    "glossary.added": ("Added to the {lang} glossary: {term} = {translation}",
              "به واژه‌نامهٔ {lang} افزوده شد: {term} = {translation}"),
    "glossary.replaced": ("Changed in the {lang} glossary: {term} = {translation}",
                 "در واژه‌نامهٔ {lang} تغییر کرد: {term} = {translation}"),
    "glossary.unchanged": ("Already in the {lang} glossary: {term} = {translation}",
                  "از پیش در واژه‌نامهٔ {lang} هست: {term} = {translation}"),
    "glossary.removed": ("Removed from the {lang} glossary: {term} = {translation}",
                "از واژه‌نامهٔ {lang} حذف شد: {term} = {translation}"),
    "glossary.not_found": ("{term} is not in the {lang} glossary.", "{term} در واژه‌نامهٔ {lang} نیست."),
    "glossary.bad_term": ("The term and its translation must each have a word (at most {max}"
                 " characters).", "اصطلاح و ترجمه‌اش هر کدام باید واژه‌ای داشته باشند (حداکثر"
                 " {max} نویسه)."),
    "glossary.card": ("Glossary ({lang}): {terms}", "واژه‌نامه ({lang}): {terms}"),
    "glossary.card_more": (" … +{count}", " … +{count}"),
    "glossary.missing": ("⚠ Job {job}: the translation does not use the agreed {terms}. Check before"
                " approving.", "⚠ کار {job}: ترجمه این ترجمه‌های توافق‌شده را به کار نبرده:"
                " {terms}. پیش از تأیید بررسی کنید."),
}

#: The translation memory hint and its button's answers (review/memory.py).
MEMORY_TEXTS: dict[str, tuple[str, str]] = {
    "memory.card": ("Translation memory: job {earlier} (approved {date}) translated the same text.",
             "حافظهٔ ترجمه: کار {earlier} (تأیید {date}) همین متن را ترجمه کرده است."),
    "memory.sent": ("Job {job}: the approved translation of job {earlier} (the same text), as a starting"
             " point. Reply to it with your translation: it is published only once you send it"
             " and an editor approves it.",
             "کار {job}: ترجمهٔ تأییدشدهٔ کار {earlier} (همین متن)، برای شروع. در پاسخ به آن"
             " ترجمهٔ خود را بفرستید: تنها پس از فرستادن شما و تأیید ویراستار منتشر می‌شود."),
    "memory.answer": ("Sent: job {earlier}'s translation, to correct and send back.",
               "فرستاده شد: ترجمهٔ کار {earlier}، برای اصلاح و فرستادن."),
    "memory.gone": ("Job {earlier}'s translation is no longer approved, or job {job} is not waiting"
             " for a translation.", "ترجمهٔ کار {earlier} دیگر تأییدشده نیست، یا کار {job} در"
             " انتظار ترجمه نیست."),
}
