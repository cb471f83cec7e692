"""Everything the bot says to translators and editors, in English and Farsi. Pure.

``t(lang, key, **fields)`` picks the person's language (English when a text has no Farsi).
Field values are inserted as plain text: nothing here is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from relay.review.texts_assist import GLOSSARY_TEXTS, MACHINE_DRAFT_TEXTS, MEMORY_TEXTS

TEXTS: dict[str, tuple[str, str]] = {
    # ---- statuses
    "status.queued": ("queued", "در صف"),
    "status.drafted": ("drafted", "ترجمه شده"),
    "status.approved": ("approved", "تأیید شده"),
    "status.published": ("published", "منتشر شده"),
    "status.skipped": ("skipped", "کنار گذاشته شده"),
    "status.rejected": ("closed", "بسته شده"),
    "status.stale": ("published, source edited since", "منتشر شده، منبع بعداً ویرایش شده"),
    # ---- card
    "card.title": ("Job {job} · {lang} → {target} · {status}",
                   "کار {job} · {lang} ← {target} · {status}"),
    "card.source": ("Source: {name} · {date}", "منبع: {name} · {date}"),
    "card.forwarded": ("Forwarded from {origin} by {source}", "بازارسال از {origin} توسط {source}"),
    # ---- issue 11: one statement, several sources
    "card.also_in": ("Also in: {sources}", "همچنین در: {sources}"),
    "how.copy": ("copy", "رونوشت"),
    "how.forward": ("forward", "بازارسال"),
    "how.joined": ("joined", "پیوند داده‌شده"),
    "how.deleted": ("{how}, deleted", "{how}، حذف‌شده"),
    "card.also_more": ("+{count} more (all of them: /split {job})",
                       "و {count} مورد دیگر (همه: /split {job})"),
    "button.split": ("✂ Split {name}", "✂ جدا کردن {name}"),
    "button.memory": ("📋 Start from job {earlier}'s translation",  # issue 14
                      "📋 شروع از ترجمهٔ کار {earlier}"),
    "told.copy_published": ("Job {job}: a copy of this published statement appeared in {copy};"
                            " nothing was posted again. Relay post: {link}",
                            "کار {job}: رونوشتی از این بیانیهٔ منتشرشده در {copy} آمد؛"
                            " دوباره منتشر نشد. پست: {link}"),
    "told.copy_left": ("Job {job}: the copy in {copy} was edited and is no longer this"
                       " statement; it left it and has its own jobs: {jobs}.",
                       "کار {job}: رونوشت در {copy} ویرایش شد و دیگر همین بیانیه نیست؛"
                       " جدا شد و کارهای خودش را دارد: {jobs}."),
    "ok.split": ("Split {copy} ({link}) off job {job}'s statement: new jobs {jobs}.",
                 "{copy} ({link}) از بیانیهٔ کار {job} جدا شد: کارهای تازه {jobs}."),
    "no.split_gone": ("That post is no longer part of job {job}'s statement.",
                      "آن پست دیگر بخشی از بیانیهٔ کار {job} نیست."),
    "no.split_deleted": ("{copy} was deleted by its channel: there is nothing to translate,"
                         " so it is not split off.",
                         "{copy} را کانالش حذف کرده است؛ چیزی برای ترجمه نیست و جدا نمی‌شود."),
    "no.split_joined": ("{copy} was joined to job {job}'s statement by an editor with /join, not"
                        " matched by relay: it is not split off.",
                        "{copy} را ویراستاری با /join به بیانیهٔ کار {job} پیوند داده است، نه"
                        " رله؛ جدا نمی‌شود."),
    # /split <job> [number|link]: any post of a statement, also those without a button
    "split.head": ("Job {job}: the statement's other posts, oldest first. To split a wrong one"
                   " off: /split {job} <number> (or its link).",
                   "کار {job}: پست‌های دیگر این بیانیه، قدیمی‌ترین اول. برای جدا کردن پستی که"
                   " به‌اشتباه پیوند خورده: /split {job} <شماره> (یا پیوند آن)."),
    "split.line": ("{copy} ({how}) · {date} · {link}", "{copy} ({how}) · {date} · {link}"),
    "split.none": ("Job {job}'s statement has no other posts: there is nothing to split off.",
                   "بیانیهٔ کار {job} پست دیگری ندارد؛ چیزی برای جدا کردن نیست."),
    "no.split_number": ("Job {job}'s statement has no post [{copy}] (split off already, or"
                        " another job's): /split {job} lists its posts.",
                        "بیانیهٔ کار {job} پست [{copy}] ندارد (پیش‌تر جدا شده، یا از کار"
                        " دیگری است)؛ فهرست پست‌ها: /split {job}"),
    "no.split_not_member": ("{link} is not part of job {job}'s statement: /split {job} lists"
                            " its posts.", "{link} بخشی از بیانیهٔ کار {job} نیست؛ فهرست"
                            " پست‌ها: /split {job}"),
    "no.split_own_jobs": ("{link} is not part of job {job}'s statement: it has jobs of its own"
                          " ({jobs}).", "{link} بخشی از بیانیهٔ کار {job} نیست؛ کارهای خودش را"
                          " دارد ({jobs})."),
    "no.split_lead": ("{link} is job {job}'s own post: only the statement's other posts can be"
                      " split off.", "{link} پست خود کار {job} است؛ فقط پست‌های دیگر این"
                      " بیانیه جدا می‌شوند."),
    "ok.join": ("Job {second}'s statement joined job {first}'s; closed: {closed}.",
                "بیانیهٔ کار {second} به کار {first} پیوست؛ بسته شد: {closed}."),
    "no.join": ("Cannot join job {second} into job {first}: unknown job, or already one"
                " statement.", "پیوستن کار {second} به کار {first} ممکن نیست: کار ناشناخته"
                " است، یا هر دو از یک بیانیه‌اند."),
    "no.join_pending": ("Nothing joined: job {job} ({target}) is approved and waiting to be"
                        " published; a join never cancels an approval. Join after it is"
                        " published, or the other way round: /join {second} {first}",
                        "چیزی پیوند داده نشد: کار {job} ({target}) تأیید شده و در نوبت انتشار"
                        " است؛ پیوستن هرگز تأییدی را لغو نمی‌کند. پس از انتشار آن، یا برعکس"
                        " پیوند دهید: /join {second} {first}"),
    "no.join_published": ("Nothing joined: job {job} is already published in {target}, and"
                          " job {other} would publish the statement there again. Join the"
                          " other way round: /join {second} {first}",
                          "چیزی پیوند داده نشد: کار {job} پیش‌تر در {target} منتشر شده و کار"
                          " {other} این بیانیه را دوباره آنجا منتشر می‌کند. برعکس پیوند دهید:"
                          " /join {second} {first}"),
    "card.detected": ("Detected: {lang} ({confidence}) · media: {media}",
                      "زبان تشخیص‌داده‌شده: {lang} ({confidence}) · رسانه: {media}"),
    "card.no_media": ("none", "ندارد"),
    "card.claimed": ("Being translated by {name} (claim ends {until})",
                     "در حال ترجمه توسط {name} (تا {until})"),
    "card.open": ("Open: press Claim, then reply to this card with the translation.",
                  "آزاد: «برمی‌دارم» را بزنید و سپس ترجمه را در پاسخ به همین پیام بفرستید."),
    "card.drafted": ("Translated by {name}; waiting for an editor.",
                     "ترجمه توسط {name}؛ در انتظار ویراستار."),
    "card.approved": ("Approved by {editor} (translation: {name}); waiting to be published.",
                      "تأیید توسط {editor} (ترجمه: {name})؛ در انتظار انتشار."),
    "card.published": ("Published: {link}", "منتشر شد: {link}"),
    "card.published_nolink": ("Published.", "منتشر شد."),
    "card.skipped": ("Skipped by {name}. {reason}", "کنار گذاشته شد توسط {name}. {reason}"),
    "card.rejected": ("Sent back by {name}: {reason}", "برگشت داده شد توسط {name}: {reason}"),
    "card.outdated": ("⚠ The source was edited after this draft was made. What changed: {diff}",
                      "⚠ منبع پس از این ترجمه ویرایش شده است. تغییرات: {diff}"),
    "card.deleted": ("⚠ The source post was deleted by the channel.",
                     "⚠ پست منبع توسط کانال حذف شده است."),
    "card.stale": ("⚠ The source was edited after publication. What changed: {diff}",
                   "⚠ منبع پس از انتشار ویرایش شده است. تغییرات: {diff}"),
    "card.failed": ("⚠ Could not publish: {reason}. Fix it, then press Retry (or /retry {job}).",
                    "⚠ انتشار ممکن نشد: {reason}. مشکل را رفع کنید و «تلاش دوباره» را بزنید "
                    "(یا /retry {job})."),
    "card.stale_hint": ("Reply to this card with a corrected translation (an editor approves "
                        "it, and the relay post is edited), or keep it as published.",
                        "ترجمه اصلاح‌شده را در پاسخ به این کارت بفرستید (پس از تأیید ویراستار، "
                        "پست رله ویرایش می‌شود) یا آن را همان‌طور نگه دارید."),
    "card.truncated": ("… (text shortened; full text: /show {job})",
                       "… (متن کوتاه شده؛ متن کامل: /show {job})"),
    # ---- buttons
    "button.claim": ("✋ Claim", "✋ برمی‌دارم"),
    "button.release": ("↩ Release", "↩ رها کردن"),
    "button.skip": ("⏭ Skip", "⏭ ترجمه نشود"),
    "button.notfa": ("Not Farsi", "فارسی نیست"),
    "button.not_lang": ("Not {lang}", "{lang} نیست"),  # a source queuing other languages
    "button.approve": ("✅ Approve", "✅ تأیید"),
    "button.confirm": ("✅ Approve anyway", "✅ با این حال تأیید"),
    "button.edit": ("✏ Edit", "✏ ویرایش"),
    "button.reject": ("❌ Reject", "❌ برگرداندن به مترجم"),
    "button.reopen": ("↺ Back to queue", "↺ بازگشت به صف"),
    "button.keep": ("✔ Keep as published", "✔ همان‌طور که منتشر شده بماند"),
    "button.retry": ("🔁 Retry publishing", "🔁 تلاش دوباره برای انتشار"),
    # ---- answers
    "ok.claim": ("Job {job} is yours for {minutes} minutes. Reply to the card with the "
                 "translation.", "کار {job} تا {minutes} دقیقه با شماست. ترجمه را در پاسخ به "
                 "کارت بفرستید."),
    "ok.release": ("Job {job} is open again.", "کار {job} دوباره آزاد است."),
    "ok.submit": ("Thank you. Job {job}: this is how subscribers will see it. An editor will "
                  "review it.", "سپاس. کار {job}: مشترکان آن را این‌گونه خواهند دید. ویراستار "
                  "آن را بررسی می‌کند."),
    "ok.approve": ("Job {job} approved. It will be published.",
                   "کار {job} تأیید شد و منتشر خواهد شد."),
    "ok.reject": ("Job {job} is back in the queue; {name} has been told.",
                  "کار {job} به صف برگشت؛ به {name} اطلاع داده شد."),
    "ok.skip": ("Job {job} skipped.", "کار {job} کنار گذاشته شد."),
    "ok.reopen": ("Job {job} is back in the queue.", "کار {job} به صف برگشت."),
    "ok.acknowledge": ("Job {job}: the publication stays as it is.",
                       "کار {job}: انتشار همان‌طور باقی می‌ماند."),
    "ok.retry": ("Job {job}: publishing will be tried again.",
                 "کار {job}: انتشار دوباره امتحان می‌شود."),
    "no.nothing_to_retry": ("Job {job} has no failed publication.",
                            "کار {job} انتشار ناموفقی ندارد."),
    "told.stale": ("Job {job}: the source was edited after publication. What changed: {diff}\n"
                   "{link}", "کار {job}: منبع پس از انتشار ویرایش شد. تغییرات: {diff}\n{link}"),
    "told.deleted": ("Job {job}: the source post was deleted by the channel. Relay post: {link} "
                     "(configured action: {action}).",
                     "کار {job}: پست منبع توسط کانال حذف شد. پست رله: {link} (اقدام تنظیم‌شده: "
                     "{action})."),
    "told.failed": ("Job {job} could not be published: {reason}", "کار {job} منتشر نشد: {reason}"),
    "told.published": ("Job {job} is published: {link}", "کار {job} منتشر شد: {link}"),
    "ok.relang_keep": ("Job {job}: language set to {lang}; it stays in the queue.",
                       "کار {job}: زبان {lang} ثبت شد؛ در صف می‌ماند."),
    "ok.relang_drop": ("Job {job}: language set to {lang}; not translated from it, so it is "
                       "dropped.", "کار {job}: زبان {lang} ثبت شد؛ از این زبان ترجمه نمی‌شود و "
                       "کنار گذاشته شد."),
    "told.rejected": ("Your translation of job {job} was sent back by {editor}: {reason}\n"
                      "Reply to the card with a new version.",
                      "ترجمه شما برای کار {job} توسط {editor} برگشت داده شد: {reason}\n"
                      "نسخه تازه را در پاسخ به کارت بفرستید."),
    "told.approved": ("Your translation of job {job} was approved by {editor}.",
                      "ترجمه شما برای کار {job} توسط {editor} تأیید شد."),
    "prompt.reject": ("Job {job}: reply to this message with the reason for sending it back.",
                      "کار {job}: دلیل برگرداندن را در پاسخ به همین پیام بنویسید."),
    "prompt.edit": ("Job {job}: reply to this message with the corrected translation. "
                    "The current draft follows.",
                    "کار {job}: ترجمه اصلاح‌شده را در پاسخ به همین پیام بفرستید. پیش‌نویس فعلی در "
                    "ادامه است."),
    "prompt.confirm": ("Job {job}: the source was edited after this translation was made. "
                       "What changed: {diff}\nApprove it anyway?",
                       "کار {job}: منبع پس از ترجمه ویرایش شده است. تغییرات: {diff}\n"
                       "با این حال تأیید شود؟"),
    # ---- refusals
    "no.not_configured": ("You are not on this relay's team; ask an admin to add your "
                          "Telegram id ({user}).", "شما در فهرست این رله نیستید؛ از مدیر بخواهید "
                          "شناسه تلگرام شما ({user}) را اضافه کند."),
    "no.not_translator": ("Only translators and editors can do that.",
                          "این کار فقط از مترجمان و ویراستاران برمی‌آید."),
    "no.not_editor": ("Only editors can do that.", "این کار فقط از ویراستاران برمی‌آید."),
    "no.wrong_state": ("Job {job} is {status} now; that can't be done.",
                       "کار {job} اکنون {status} است؛ این کار ممکن نیست."),
    "no.claimed_by_other": ("{name} claimed job {job} first ({at}).",
                            "{name} زودتر کار {job} را برداشت ({at})."),
    "no.already_yours": ("Job {job} is already yours.", "کار {job} از قبل با شماست."),
    "no.not_your_claim": ("Job {job} was claimed by {name}, not you.",
                          "کار {job} را {name} برداشته است، نه شما."),
    "no.own_translation": ("You translated job {job}: another editor must approve it.",
                           "ترجمه کار {job} با شما بوده است؛ ویراستار دیگری باید تأیید کند."),
    "no.needs_confirmation": ("The source changed after this draft: confirm first.",
                              "منبع پس از این ترجمه تغییر کرده است؛ ابتدا تأیید کنید."),
    "no.outdated_button": ("That button is out of date: {name} did “{action}” at {at}; job "
                           "{job} is {status} now.",
                           "این دکمه قدیمی است: {name} در {at} «{action}» را انجام داد؛ کار {job} "
                           "اکنون {status} است."),
    "no.no_reason": ("Please give a reason.", "لطفاً دلیل را بنویسید."),
    "no.unknown_job": ("There is no job {job}.", "کار {job} وجود ندارد."),
    "no.bad_button": ("That button is not valid.", "این دکمه معتبر نیست."),
    "no.empty": ("The translation is empty.", "ترجمه خالی است."),
    "no.too_long": ("That is {got} characters; the limit is {limit}.",
                    "متن {got} نویسه است؛ حداکثر {limit} است."),
    "no.bad_language": ("“{code}” is not a language code (examples: fa, ckb, ar, en).",
                        "«{code}» کد زبان نیست (مثلاً fa، ckb، ar، en)."),
    "no.not_a_card": ("Reply to a job card, a preview or a prompt from me.",
                      "به کارت یک کار، پیش‌نمایش یا پرسش من پاسخ دهید."),
    "no.prompt_not_yours": ("That question was for someone else.", "آن پرسش برای فرد دیگری بود."),
    "usage": ("Usage: {usage}", "طرز استفاده: {usage}"),
    # ---- issue 10: replies, offers, stale commands, posts on demand, the Farsi interface
    "button.use_yes": ("✅ Yes, use it", "✅ بله، همین ترجمه است"),
    "button.use_no": ("✖ No", "✖ خیر"),
    "offer.ask": ("Use this as the translation of job {job}?",
                  "این متن ترجمه کار {job} است؟"),
    "offer.dropped": ("Not used: job {job} is unchanged.", "استفاده نشد؛ کار {job} تغییری نکرد."),
    "offer.gone": ("That question was already answered.", "به آن پرسش قبلاً پاسخ داده شده است."),
    "no.claimed_reply": ("Job {job} is claimed by {name}: your reply was not taken as its "
                         "translation.", "کار {job} را {name} برداشته است؛ پاسخ شما ترجمه آن "
                         "به حساب نیامد."),
    "no.claim_lost": ("{name} claimed job {job} first ({at}); the card you pressed was out of "
                      "date.", "{name} زودتر کار {job} را برداشت ({at})؛ کارتی که زدید قدیمی "
                      "بود."),
    "hint.chatter": ("That looks like a remark, not a translation, so job {job} is unchanged. "
                     "To submit it anyway: /tr {job} and the text.",
                     "این به نظر یادداشت است، نه ترجمه؛ کار {job} تغییری نکرد. برای فرستادن آن "
                     "به‌عنوان ترجمه: /tr {job} و سپس متن."),
    "approve.show_first": ("Job {job}: the draft changed since you last saw it. Here it is; "
                           "press Approve if it is right.",
                           "کار {job}: پیش‌نویس پس از آخرین باری که دیدید تغییر کرده است. آن را "
                           "ببینید و اگر درست است «تأیید» را بزنید."),
    "queue.no_page": ("There is no page {page}: the queue has {pages} page(s).",
                      "صفحه {page} وجود ندارد؛ صف {pages} صفحه دارد."),
    "queue_post.done": ("Queued {link} for {targets}: job(s) {jobs}.",
                        "{link} برای {targets} در صف قرار گرفت: کار(های) {jobs}."),
    "queue_post.already": ("{link} already has job(s) {jobs} for every target.",
                           "{link} از قبل برای همه مقصدها کار دارد: {jobs}."),
    "no.unknown_post": ("No stored post {link}: relay keeps only the posts of its sources.",
                        "پست {link} ذخیره نشده است؛ رله فقط پست‌های منابعش را نگه می‌دارد."),
    "no.unknown_target": ("“{target}” is not a target (targets: {targets}).",
                          "«{target}» مقصد نیست (مقصدها: {targets})."),
    "ok.relang_post": ("{link}: language set to {lang} (it has no jobs; /queue_post queues it).",
                       "{link}: زبان {lang} ثبت شد (کاری ندارد؛ با /queue_post در صف قرار "
                       "می‌گیرد)."),
    "age.minutes": ("{m}m", "{m} دقیقه"),
    "age.hours": ("{h}h{m}m", "{h} ساعت و {m} دقیقه"),
    "age.days": ("{d}d{h}h", "{d} روز و {h} ساعت"),
    "role.translator": ("translator", "مترجم"),
    "role.editor": ("editor", "ویراستار"),
    "role.admin": ("admin", "مدیر"),
    "relay": ("relay", "رله"),
    "deleted_action.keep": ("keep", "نگه داشتن"),
    "deleted_action.annotate": ("annotate", "افزودن یادداشت"),
    "deleted_action.delete": ("delete", "حذف"),
    "action.queue": ("queue", "ورود به صف"),
    "action.claim": ("claim", "برداشتن"),
    "action.release": ("release", "رها کردن"),
    "action.submit": ("submit", "فرستادن ترجمه"),
    "action.approve": ("approve", "تأیید"),
    "action.reject": ("send back", "برگرداندن"),
    "action.skip": ("skip", "کنار گذاشتن"),
    "action.reopen": ("reopen", "بازگرداندن به صف"),
    "action.relang": ("correct the language", "اصلاح زبان"),
    "action.publish": ("publish", "انتشار"),
    "action.stale": ("source edited", "ویرایش منبع"),
    "action.acknowledge": ("keep as published", "نگه داشتن انتشار"),
    "action.expire_claim": ("claim expired", "پایان مهلت"),
    "action.source_edited": ("source edited", "ویرایش منبع"),
    # ---- commands
    "help.head": ("relay review bot. Your roles: {roles}.", "ربات بازبینی رله. نقش‌های شما: {roles}."),
    "help.translator": ("Translate: press Claim on a card, then reply to the card with your "
                        "translation (bold, italic and links are kept).",
                        "ترجمه: «برمی‌دارم» را زیر کارت بزنید و سپس ترجمه را در پاسخ به کارت "
                        "بفرستید (پررنگ، کج و پیوندها حفظ می‌شوند)."),
    "help.editor": ("Edit: press Approve, Edit or Reject under a preview.",
                    "ویرایش: «تأیید»، «ویرایش» یا «رد» را زیر پیش‌نمایش بزنید."),
    "help.line": ("{usage} — {help}", "{usage} — {help}"),
    "whoami": ("You are {name} (Telegram id {user}); roles: {roles}; language: {lang}.",
               "شما {name} هستید (شناسه تلگرام {user})؛ نقش‌ها: {roles}؛ زبان: {lang}."),
    "queue.head": ("Queue: {total} job(s) waiting, oldest first (page {page} of {pages}).",
                   "صف: {total} کار در انتظار، قدیمی‌ترین اول (صفحه {page} از {pages})."),
    "queue.empty": ("The queue is empty.", "صف خالی است."),
    "queue.line": ("#{job} → {target} · {name} · {age} ago{claim}",
                   "#{job} ← {target} · {name} · {age} پیش{claim}"),
    "queue.claimed": (" · {name} is on it", " · {name} مشغول است"),
    "queue.more": ("Next page: /queue {next}", "صفحه بعد: /queue {next}"),
    "stats.head": ("Jobs by state: {states}", "کارها بر اساس وضعیت: {states}"),
    "stats.oldest": ("Oldest queued: {age} ago", "قدیمی‌ترین کار در صف: {age} پیش"),
    "stats.none_queued": ("Nothing queued.", "چیزی در صف نیست."),
    "stats.translator": ("{name}: {counts}", "{name}: {counts}"),
    "search.none": ("Nothing found for “{words}”.", "برای «{words}» چیزی پیدا نشد."),
    "search.head": ("Found (newest first):", "یافته‌ها (تازه‌ترین اول):"),
    "search.line": ("{name} · {date} · {link}\n{snippet}{jobs}",
                    "{name} · {date} · {link}\n{snippet}{jobs}"),
    "search.jobs": ("\njobs: {jobs}", "\nکارها: {jobs}"),
    "show.draft": ("Current draft by {name}:", "پیش‌نویس فعلی از {name}:"),
    "show.source": ("Source text:", "متن منبع:"),
    "unknown_command": ("Unknown command. /help lists what you can do.",
                        "فرمان ناشناخته. /help کارهای ممکن را نشان می‌دهد."),
    # ---- translations in several parts (relay/review/parts.py; issue 10, helper r10a)
    "parts.received": ("Job {job}: part {part} received: {chars} characters so far (at most "
                       "{limit}). Send the next part as a reply to this message, or press Done "
                       "(/done {job}) when the translation is complete.",
                       "کار {job}: بخش {part} رسید: تاکنون {chars} نویسه (حداکثر {limit}). "
                       "بخش بعدی را در پاسخ به همین پیام بفرستید، یا وقتی ترجمه کامل شد "
                       "«تمام» را بزنید (/done {job})."),
    "parts.none": ("Job {job}: no parts are waiting. Reply to the card with the translation.",
                   "کار {job}: بخشی در انتظار نیست. ترجمه را در پاسخ به کارت بفرستید."),
    "button.done": ("✅ Done", "✅ تمام"),
}


TEXTS.update(MACHINE_DRAFT_TEXTS)  # issue 14
TEXTS.update(GLOSSARY_TEXTS)
TEXTS.update(MEMORY_TEXTS)


def t(lang: str, key: str, /, **fields: object) -> str:
    english, farsi = TEXTS[key]
    template = farsi if lang == "fa" and farsi else english
    return template.format(**fields)


def status_name(lang: str, status: str) -> str:
    return t(lang, f"status.{status}")


#: Language names for "Not ..." buttons; a code not listed is shown as it is.
LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "fa": ("Farsi", "فارسی"), "ar": ("Arabic", "عربی"), "ckb": ("Sorani Kurdish", "کردی سورانی"),
    "kmr": ("Kurmanji Kurdish", "کردی کرمانجی"), "en": ("English", "انگلیسی"),
    "az": ("Azerbaijani", "آذربایجانی"), "tr": ("Turkish", "ترکی"), "ur": ("Urdu", "اردو"),
    "ps": ("Pashto", "پشتو"), "es": ("Spanish", "اسپانیایی"), "fr": ("French", "فرانسوی"),
    "de": ("German", "آلمانی"), "ru": ("Russian", "روسی"), "bal": ("Balochi", "بلوچی"),
}


def language_names(lang: str, codes: Iterable[str]) -> str:
    """"Farsi", "Farsi or Arabic": the languages of ``codes`` in the interface language."""
    names = []
    for code in codes:
        english, farsi = LANGUAGE_NAMES.get(code, (code, code))
        names.append(farsi if lang == "fa" else english)
    return (" یا " if lang == "fa" else " or ").join(names)


def term(lang: str, prefix: str, value: str) -> str:
    """A configured or stored word (a role, an action) in the interface language."""
    key = f"{prefix}.{value}"
    return t(lang, key) if key in TEXTS else value
