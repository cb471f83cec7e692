"""The review bot over the simulated Telegram: real updates, replies and button presses."""

from __future__ import annotations

import logging

import pytest
from telethon.tl import types

from relay.telegram.callbacks import MAX_BYTES
from tests.review_world import ReviewWorld, running

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
TRANSLATION = "Vahed bus workers went on strike today over unpaid wages."


async def post_and_card(w: ReviewWorld, text: str = FARSI) -> types.Message:
    w.tg.post(w.vahed, text)
    await w.settle()
    return w.cards()[-2]  # the English job's card (one card per target)


async def drafted(w: ReviewWorld, translator=None) -> types.Message:
    """Post, claim and translate job 1; return the preview message with its buttons."""
    translator = translator or w.sara
    card = await post_and_card(w)
    w.press(translator, card, "claim")
    await w.settle()
    w.say(translator, TRANSLATION, reply_to=card.id)
    await w.settle()
    return w.last_from_bot()


async def status(w: ReviewWorld, job: int = 1) -> str:
    return (await w.rows("SELECT status FROM jobs WHERE id = ?", job))[0][0]


async def test_whole_path_from_post_to_approval(w):
    card = await post_and_card(w)
    assert card.message.startswith("Job 1 · fa → EN · QUEUED")
    assert "https://t.me/vahed/1" in card.message and FARSI in card.message
    assert "Detected: fa (0.99)" in card.message
    assert [label for label, _ in w.buttons(card)] == ["✋ Claim", "⏭ Skip", "Not Farsi"]

    answer = w.press(w.sara, card, "claim")
    await w.settle()
    assert "yours" in answer.message
    assert "Being translated by Sara" in w.card(1).message
    assert [label for label, _ in w.buttons(w.card(1))][0] == "↩ Release"

    bold = types.MessageEntityBold(0, 5)
    link = types.MessageEntityTextUrl(6, 3, "https://example.org/vahed")
    w.say(w.sara, TRANSLATION, reply_to=card.id, entities=[bold, link])
    await w.settle()
    preview = w.last_from_bot()
    assert preview.message.startswith(TRANSLATION)
    assert "Source: Telegram channel of Syndicate of Workers of Tehran" in preview.message
    assert preview.message.endswith("Translation: Shahrokh Zamani Action Campaign")
    kinds = {type(e).__name__: e for e in preview.entities}
    assert kinds["MessageEntityBold"].offset == 0 and kinds["MessageEntityBold"].length == 5
    urls = {e.url for e in preview.entities if isinstance(e, types.MessageEntityTextUrl)}
    assert urls == {"https://example.org/vahed", "https://t.me/vahed/1"}
    assert [label for label, _ in w.buttons(preview)] == ["✅ Approve", "✏ Edit", "❌ Reject"]
    assert "Translated by Sara; waiting for an editor." in w.card(1).message

    answer = w.press(w.reza, preview, "approve")
    await w.settle()
    assert "approved" in answer.message
    assert await status(w) == "published"
    assert "Published: https://t.me/relay_en/1" in w.card(1).message
    audit = await w.rows("SELECT actor_id, action, from_status, to_status FROM audit"
                         " WHERE job_id = 1 AND to_status IS NOT NULL ORDER BY id")
    assert audit == [(None, "queue", None, "queued"), (5001, "claim", "queued", "queued"),
                     (5001, "submit", "queued", "drafted"),
                     (5002, "approve", "drafted", "approved"),
                     (None, "publish", "approved", "published")]
    assert "Your translation of job 1 was approved by Reza." in w.bot_said_to(w.sara)
    [post] = w.tg.history(w.out_en)
    assert post.message == preview.message  # subscribers see exactly what was approved
    assert w.tg.history(w.out_es) == []  # the Spanish job is still waiting


async def test_every_callback_fits_64_bytes(w):
    preview = await drafted(w)
    for msg in [*w.cards(), preview]:
        for _, data in w.buttons(msg):
            assert len(data) <= MAX_BYTES


async def test_reject_asks_for_a_reason_and_the_translator_resubmits(w):
    preview = await drafted(w)
    answer = w.press(w.reza, preview, "reject")
    await w.settle()
    prompt = w.last_from_bot()
    assert "reason" in answer.message and "reply to this message" in prompt.message.lower()
    assert await status(w) == "drafted"  # nothing changes until the reason comes

    w.say(w.sara, "I am not an editor", reply_to=prompt.id)  # not hers to answer
    await w.settle()
    assert await status(w) == "drafted"

    w.say(w.reza, "Say 'Vahed Syndicate', not 'Vahed company'", reply_to=prompt.id)
    await w.settle()
    assert await status(w) == "queued"
    told = w.bot_said_to(w.sara)[-1]
    assert "sent back by Reza" in told and "Vahed Syndicate" in told
    assert "Sent back by Reza" in w.card(1).message

    w.say(w.sara, "/tr 1 Vahed Syndicate bus workers went on strike.")
    await w.settle()
    assert await status(w) == "drafted"
    draft = await w.rows("SELECT draft_text, reason FROM jobs WHERE id = 1")
    assert draft == [("Vahed Syndicate bus workers went on strike.", None)]


async def test_reject_command_needs_a_reason(w):
    await drafted(w)
    w.say(w.reza, "/reject 1")
    await w.settle()
    assert "Usage: /reject <job> <reason>" in w.last_from_bot().message
    assert await status(w) == "drafted"


async def test_four_eyes_translator_may_not_approve_own_work(w):
    preview = await drafted(w, translator=w.mina)
    answer = w.press(w.mina, preview, "approve")
    await w.settle()
    assert answer.alert and "ویراستار دیگری" in answer.message  # Mina reads Farsi
    assert await status(w) == "drafted"
    w.press(w.reza, preview, "approve")
    await w.settle()
    assert await status(w) == "published"


async def test_without_four_eyes_an_editor_may_approve_own_translation(tmp_path):
    async with running(ReviewWorld(tmp_path, four_eyes=False)) as world:
        preview = await drafted(world, translator=world.mina)
        world.press(world.mina, preview, "approve")
        await world.settle()
        assert await status(world) == "published"


async def test_claim_expires_and_the_card_says_so(w):
    card = await post_and_card(w)
    w.press(w.sara, card, "claim")
    await w.settle()
    w.press(w.mina, w.card(1), "release")  # an editor may release
    await w.settle()
    w.press(w.sara, w.card(1), "claim")
    await w.settle()
    w.clock.now += 31 * 60
    await w.service.bot.expire_claims()
    await w.settle()
    assert "Open: press Claim" in w.card(1).message
    assert (await w.rows("SELECT claimed_by FROM jobs WHERE id = 1")) == [(None,)]
    actions = [r[0] for r in await w.rows("SELECT action FROM audit WHERE job_id=1 ORDER BY id")]
    assert actions == ["queue", "claim", "release", "claim", "expire_claim"]


async def test_two_approvals_at_once_exactly_one_wins(w):
    preview = await drafted(w)
    first = w.press(w.reza, preview, "approve")
    second = w.press(w.omid, preview, "approve")
    await w.settle()
    assert await status(w) == "published"
    assert len(w.tg.history(w.out_en)) == 1
    approvals = await w.rows("SELECT actor_id FROM audit WHERE action = 'approve'")
    assert len(approvals) == 1
    loser = second if approvals[0][0] == 5002 else first
    assert loser.alert and "Reza" in loser.message or "Omid" in loser.message
    assert "approve" in loser.message


async def test_approve_against_reject_exactly_one_wins(w):
    preview = await drafted(w)
    approve = w.press(w.reza, preview, "approve")
    w.say(w.omid, "/reject 1 wrong name")
    await w.settle()
    rows = await w.rows("SELECT action FROM audit WHERE action IN ('approve', 'reject')")
    assert len(rows) == 1
    assert await status(w) == ("published" if rows[0][0] == "approve" else "queued")
    assert approve.answered.is_set()


async def test_two_claims_at_once_the_second_is_told_who_was_first(w):
    card = await post_and_card(w)
    first = w.press(w.sara, card, "claim")
    second = w.press(w.mina, card, "claim")
    await w.settle()
    assert (await w.rows("SELECT claimed_by FROM jobs WHERE id = 1")) == [(5001,)]
    assert "yours" in first.message
    assert second.alert and "Sara" in second.message


async def test_strangers_are_refused_and_logged_everywhere(w, caplog):
    card = await post_and_card(w)
    with caplog.at_level(logging.WARNING, logger="relay.bot"):
        answer = w.press(w.stranger, card, "claim")
        w.say(w.stranger, "/approve 1")
        w.say(w.stranger, "my translation", reply_to=card.id)
        w.tg.send_private(w.stranger, w.bot, "/queue")
        await w.settle()
    assert answer.alert and "not on this relay's team" in answer.message
    assert (await w.rows("SELECT COUNT(*) FROM audit WHERE actor_id = 6666")) == [(0,)]
    assert await status(w) == "queued"
    assert caplog.text.count("bot.refused reason=\"not configured\" user=6666") >= 3
    assert "not on this relay's team" in w.bot_said_to(w.stranger)[-1]


async def test_chats_that_are_not_configured_are_ignored(w, caplog):
    await post_and_card(w)
    before = len(w.tg.history(w.other_group))
    with caplog.at_level(logging.INFO, logger="relay.bot"):
        w.say(w.reza, "/approve 1", chat=w.other_group)
        await w.settle()
    assert len(w.tg.history(w.other_group)) == before + 1  # only Reza's own message
    assert "bot.ignored_chat" in caplog.text


async def test_forged_callback_data_is_refused(w):
    card = await post_and_card(w)
    claim = w.button(card, "claim")
    code, job, version, sig = claim.decode().split(":")
    forged = [
        f"a:{job}:{version}:{sig}".encode(),      # another action, same signature
        f"{code}:2:{version}:{sig}".encode(),     # another job
        b"c:1:0",                                 # unsigned
        b"\xff" * 10,                             # garbage
    ]
    answers = [w.tg.press(w.sara, w.group, card.id, data, forge=True) for data in forged]
    await w.settle()
    assert all(a.alert and "not valid" in a.message for a in answers)
    assert (await w.rows("SELECT COUNT(*) FROM audit WHERE actor_id IS NOT NULL")) == [(0,)]


async def test_a_button_from_another_chat_does_not_work_here(w):
    card = await post_and_card(w)
    data = w.service.bot.signer.encode("claim", 1, 0, w.sara.id)  # made for Sara's chat
    answer = w.tg.press(w.sara, w.group, card.id, data, forge=True)
    await w.settle()
    assert "not valid" in answer.message and await status(w) == "queued"


async def test_translator_cannot_approve_or_skip(w):
    preview = await drafted(w)
    answer = w.press(w.sara, preview, "approve")
    w.say(w.sara, "/skip 1")
    await w.settle()
    assert answer.alert and "Only editors" in answer.message
    assert "Only editors" in w.last_from_bot().message
    assert await status(w) == "drafted"


@pytest.mark.parametrize(("command", "expected"), [
    ("/approve 999", "There is no job 999."),
    ("/approve 1", "Job 1 is queued now; that can't be done."),
    ("/approve", "Usage: /approve <job>"),
    ("/approve abc", "Usage: /approve <job>"),
    ("/lang 1 farsi!", "is not a language code"),
    ("/frobnicate", "Unknown command"),
])
async def test_bad_commands_get_a_clear_answer_and_change_nothing(w, command, expected):
    await post_and_card(w)
    audit_before = await w.rows("SELECT COUNT(*) FROM audit")
    w.say(w.reza, command)
    await w.settle()
    assert expected in w.last_from_bot().message
    assert await w.rows("SELECT COUNT(*) FROM audit") == audit_before


# Telegram itself refuses a blank message (MESSAGE_EMPTY) and one over 4,096 UTF-16 units
# (MESSAGE_TOO_LONG): the blank case is invisible characters Telegram accepts, and the long
# case arrives as parts of 4,000 characters, each a reply to the bot's last answer (issue 10).
@pytest.mark.parametrize(("text", "expected"), [
    ("\u2063 \u2064", "The translation is empty."),
    ("\u200b\u200f\u202e", "The translation is empty."),
    ("x" * 100_000, "the limit is 12000"),
])
async def test_hostile_translations_are_refused(w, text, expected):
    card = await post_and_card(w)
    w.press(w.sara, card, "claim")  # a reply is a draft from the claimer (issue 10)
    await w.settle()
    reply_to = card.id
    for start in range(0, len(text), 4000):  # a translator stops sending once refused
        w.say(w.sara, text[start:start + 4000], reply_to=reply_to)
        await w.settle()
        reply_to = w.last_from_bot().id
        if expected in w.last_from_bot().message:
            break
    assert expected in w.last_from_bot().message
    assert await status(w) == "queued"


async def test_markup_and_control_characters_are_never_interpreted(w):
    card = await post_and_card(w)
    w.press(w.sara, card, "claim")  # a reply is a draft from the claimer (issue 10)
    await w.settle()
    hostile = "<b>Strike</b> *today* [link](https://evil.example) \u202eevil\u202c نیم\u200cفاصله"
    w.say(w.sara, hostile, reply_to=card.id)
    await w.settle()
    draft = (await w.rows("SELECT draft_text, draft_entities FROM jobs WHERE id = 1"))[0]
    assert draft[0] == ("<b>Strike</b> *today* [link](https://evil.example) evil نیم\u200cفاصله")
    assert draft[1] == "[]"
    preview = w.last_from_bot()
    assert preview.message.startswith("<b>Strike</b> *today* [link](https://evil.example)")
    assert not [e for e in preview.entities if isinstance(e, types.MessageEntityBold)]


async def test_edit_button_lets_the_translator_send_a_new_version(w):
    preview = await drafted(w)
    w.press(w.sara, preview, "edit")
    await w.settle()
    messages = w.group_messages()
    prompt, draft = messages[-2], messages[-1]
    assert "corrected translation" in prompt.message and draft.message == TRANSLATION
    w.say(w.sara, TRANSLATION + " The syndicate demands their release.", reply_to=draft.id)
    await w.settle()
    assert (await w.rows("SELECT draft_text FROM jobs WHERE id=1"))[0][0].endswith("release.")


async def test_source_edited_after_draft_needs_confirmation(w):
    preview = await drafted(w)
    w.tg.edit(w.vahed, 1, FARSI + " تجمع فردا ساعت ده برگزار می‌شود.")
    await w.settle()
    card = w.card(1)
    assert "The source was edited after this draft was made" in card.message
    assert "+[تجمع" in card.message
    answer = w.press(w.reza, preview, "approve")
    await w.settle()
    assert answer.alert and "confirm" in answer.message
    confirm = w.last_from_bot()
    assert "Approve it anyway?" in confirm.message
    w.press(w.reza, confirm, "approve anyway")
    await w.settle()
    assert await status(w) == "published"


async def test_outdated_button_is_refused_with_who_acted(w):
    card = await post_and_card(w)
    old_claim = w.button(card, "claim")
    w.press(w.sara, card, "claim")
    await w.settle()
    w.tg.press(w.omid, w.group, card.id, old_claim, forge=True)  # pressed on the old card
    await w.settle()
    answer = list(w.tg.callbacks.values())[-1]
    assert "out of date" in answer.message and "Sara" in answer.message


async def test_skip_not_farsi_reopen_and_lang(w):
    card = await post_and_card(w)
    w.press(w.reza, card, "skip")
    await w.settle()
    assert await status(w, 1) == "skipped" and await status(w, 2) == "queued"
    w.press(w.reza, w.card(1), "back to queue")
    await w.settle()
    assert await status(w, 1) == "queued"
    w.press(w.sara, w.card(2), "not farsi")
    await w.settle()
    assert await status(w, 1) == "skipped" and await status(w, 2) == "skipped"
    w.say(w.reza, "/lang 1 fa")
    await w.settle()
    assert await status(w, 1) == "queued" and await status(w, 2) == "queued"
    assert (await w.rows("SELECT lang FROM messages")) == [("fa",)]


async def test_queue_show_stats_search_whoami(w):
    await post_and_card(w)
    await post_and_card(w, "اعتصاب کارگران نیشکر هفت تپه ادامه دارد")
    w.say(w.sara, "/queue")
    await w.settle()
    queue = w.last_from_bot().message
    assert "Queue: 4 job(s) waiting" in queue and queue.index("#1 ") < queue.index("#3 ")
    w.say(w.sara, "/search هفت تپه")
    await w.settle()
    found = w.last_from_bot().message
    assert "https://t.me/vahed/2" in found and "#3" in found and "https://t.me/vahed/1" not in found
    w.say(w.sara, '/search "OR NEAR(*')  # FTS syntax is never interpreted
    await w.settle()
    assert "Nothing found" in w.last_from_bot().message
    w.say(w.reza, "/stats")
    await w.settle()
    assert "queued 4" in w.last_from_bot().message
    w.say(w.sara, "/show 1")
    await w.settle()
    shown = [m.message for m in w.group_messages()[-2:]]
    assert shown[0].startswith("Job 1 ·") and shown[1] == "Source text:\n" + FARSI
    w.say(w.sara, "/whoami")
    await w.settle()
    assert "You are Sara (Telegram id 5001); roles: translator" in w.last_from_bot().message


async def test_farsi_interface_for_a_farsi_speaking_editor(w):
    await post_and_card(w)
    w.say(w.mina, "/whoami")
    await w.settle()
    assert w.last_from_bot().message.startswith("شما Mina هستید")
    w.say(w.mina, "/claim 1")
    await w.settle()
    assert "کار 1 تا 30 دقیقه با شماست" in w.last_from_bot().message


async def test_command_menus_per_role(w):
    menus = {scope: [c.command for c in cmds] for (scope, _), cmds in w.tg.bot_commands.items()}
    assert menus["Default"] == ["whoami"]
    sara = menus["Peer:5001"]
    assert "tr" in sara and "claim" in sara and "approve" not in sara
    reza = menus["Peer:5002"]
    assert {"approve", "reject", "skip"} <= set(reza)
    assert menus[f"PeerUser:{w.group.id}:5002"] == reza
    mina = next(cmds for (scope, _), cmds in w.tg.bot_commands.items() if scope == "Peer:5003")
    assert next(c for c in mina if c.command == "approve").description == "<job> تأیید ترجمه"


async def test_private_chat_mode_sends_cards_to_each_volunteer(tmp_path):
    async with running(ReviewWorld(tmp_path, group=False)) as world:
        world.tg.post(world.vahed, FARSI)
        await world.settle()
        for person in (world.sara, world.reza, world.mina):
            received = [m for m in world.tg.private_history(person, world.bot)
                        if m.message.startswith(("Job 1", "کار 1"))]
            assert len(received) == 1, person.user.first_name
        bot_card = world.tg.private_history(world.bot, world.sara)[0]
        world.tg.press(world.sara, world.bot, bot_card.id, world.button(bot_card, "claim"))
        await world.settle()
        mina_card = [m for m in world.tg.private_history(world.mina, world.bot)
                     if m.message.startswith("کار 1")][0]
        assert "Sara" in mina_card.message  # every copy of the card tells the truth
        world.tg.send_private(world.sara, world.bot, TRANSLATION, reply_to=bot_card.id)
        await world.settle()
        previews = [m for m in world.tg.private_history(world.bot, world.reza)
                    if m.message.startswith(TRANSLATION)]
        assert len(previews) == 1  # the editor gets the translation to decide on
        world.tg.press(world.reza, world.bot, previews[0].id,
                       world.button(previews[0], "approve"))
        await world.settle()
        assert await status(world) == "published"


async def test_a_flood_wait_delays_cards_but_loses_none(w, monkeypatch):
    from telethon.tl import functions as fn

    slept: list[float] = []
    real_sleep = __import__("asyncio").sleep

    async def fake_sleep(seconds: float, *args):
        if seconds > 1:
            slept.append(seconds)
            return
        await real_sleep(seconds, *args)

    monkeypatch.setattr("relay.telegram.bot.asyncio.sleep", fake_sleep)
    w.tg.fail_next("FLOOD_WAIT_30", request=fn.messages.SendMessageRequest, account=w.bot)
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    assert slept == [31]
    assert [m.message.split(" ·")[0] for m in w.cards()] == ["Job 1", "Job 2"]
