"""Short posts decided by their channel, over the scripted Telegram (issue 11): in a channel
whose recent posts were Farsi, an ambiguous short Arabic-script post is Farsi and is queued,
with the reason stored beside the language."""

from __future__ import annotations

from relay.core.language import detect
from tests.review_world import ReviewWorld, running

FARSI_POSTS = [
    "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند.",
    "تجمع بازنشستگان در مقابل مجلس برای دومین روز ادامه یافت.",
    "کارگران نیشکر هفت تپه خواستار آزادی همکاران بازداشت‌شده خود شدند.",
    "معلمان در چند شهر در اعتراض به وضعیت معیشتی تجمع کردند.",
]


async def test_a_short_ambiguous_post_in_a_farsi_channel_is_farsi_and_queued(tmp_path):
    assert detect("اعتصاب").lang == "ar"  # the text alone cannot tell
    async with running(ReviewWorld(tmp_path)) as world:
        for text in FARSI_POSTS:
            world.tg.post(world.vahed, text)
        await world.settle()
        short = world.tg.post(world.vahed, "اعتصاب")
        await world.settle()
        rows = await world.rows(
            "SELECT lang, lang_reason FROM messages WHERE channel_id = ? AND message_id = ?",
            world.vahed.id, short.id)
        assert rows == [("fa", "channel")]
        long_ones = await world.rows(
            "SELECT DISTINCT lang_reason FROM messages WHERE channel_id = ? AND message_id < ?",
            world.vahed.id, short.id)
        assert long_ones == [("text",)]
        queued = await world.rows("SELECT COUNT(*) FROM jobs WHERE message_id = ?", short.id)
        assert queued == [(2,)]  # one job per target, like any Farsi post
