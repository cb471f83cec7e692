"""Which replies to a card are translations (relay.core.replies), on replies written the way a
volunteers' group talks: chatter must never be taken for a translation (whoever writes it,
even the person who claimed the job), and no translation may be taken for chatter."""

from __future__ import annotations

import pytest

from relay.core.replies import ReplyKind, classify_reply

CHATTER = [
    "Is anyone doing this one? I can take it tomorrow.",
    "on it",
    "On it!",
    "I'm on it 👍",
    "I'll take this one",
    "I'll do it after work",
    "I can take it tonight",
    "Taking this",
    "mine",
    "thanks!",
    "Thank you Sara",
    "Thanks a lot 🙏",
    "👍",
    "🙏🙏",
    "❤️✊",
    "+1",
    "ok",
    "Okay, done.",
    "done",
    "lol",
    "Sorry, wrong job",
    "@sara can you check this one?",
    "@reza",
    "Should I keep the hashtags?",
    "Do you know what the acronym means?",
    "Can someone review my draft please?",
    "Is this the same statement as yesterday's?",
    "Anyone free to translate this?",
    "who's on this one?",
    "Are you sure about the name of the company?",
    "Good catch, thanks",
    "well done everyone",
    "hi all",
    "این را فردا ترجمه می‌کنم",
    "کسی روی این کار می‌کند؟",
    "مرسی",
    "اسم شرکت را درست نوشتی؟",
    "این همان بیانیه دیروز است",
    "fyi this was also posted by the Vahed syndicate",
    "btw the date in the post is wrong",
    "Please review, I'm not sure about the second paragraph",
    "Have you seen the photo?",
    "I'm translating it now",
    "I am working on it",
    "Could you take this one, I'm busy",
    "12:30",
    "...",
    "?",
]

TRANSLATIONS = [
    "Strike",
    "Unpaid wages",
    "Rally today",
    "Workers rally tomorrow in front of the governorate",
    "Haft Tappeh workers on strike for the third day",
    "The workers of the Haft Tappeh sugar cane company gathered in front of the governor's "
    "office for the third day in a row.",
    "I will not end my hunger strike until my demands are met.",
    "Who will answer for the arrested workers?",
    "Thanks to everyone who stood with the striking workers",
    "Anyone who works in the oil sector knows what contract work means.",
    "Please, do not forget the imprisoned teachers!",
    "Vahed bus workers: we will not be silenced",
    "Reza Shahabi was summoned to court on Sunday.",
    "Statement of the Organising Council of Oil Contract Workers' Protests\n\n"
    "We, the contract workers of the oil, gas and petrochemical industry, announce that from "
    "Saturday we will stop work in all projects.\n\nOur demands: a wage increase, an end to "
    "contract work, and the release of our arrested colleagues.",
    "Teachers held rallies in 20 cities today. Security forces arrested several of them in "
    "Tehran and Mashhad, and the Coordinating Council of Teachers' Trade Associations called "
    "for their immediate release.",
    "Huelga en Haft Tappeh: los trabajadores exigen el pago de cuatro meses de salarios "
    "atrasados y la readmisión de sus compañeros despedidos.",
    "Greve dos trabalhadores do petróleo",
    "Staking bij Haft Tappeh",
    "Workers of the Ahvaz steel company blocked the road on Thursday to protest unpaid wages. "
    "They say they have not been paid for three months.",
    "Hunger strike, day 12",
    "Arrested: Esmail Bakhshi, Sepideh Gholian",
    "Why are workers paid less than the poverty line?",
    "Our colleague Davood Razavi is still in prison.",
    "Call for a national day of action on 1 May.",
    "Solidarity with the Vahed bus drivers!",
    "Contract workers of the South Pars gas field have been on strike since Monday.",
    "Sugar cane workers: four months without pay",
    "We demand the immediate release of all imprisoned workers.",
    "Meeting at 10:00 in front of Parliament",
    "The employer has not paid the workers' insurance for a year.",
    "No surrender!",
    "No more arrests",
    "Great victory for the bus drivers",
    "Sorry state of the Ahvaz pipe factory",
    "Hello from the prison: a letter by Sepideh Gholian",
    "Note: the rally was moved to Saturday",
]


@pytest.mark.parametrize("text", CHATTER)
def test_chatter_is_never_a_translation(text):
    assert classify_reply(text, target_language="en") is ReplyKind.CHATTER


@pytest.mark.parametrize("text", TRANSLATIONS)
def test_a_translation_is_never_taken_for_chatter(text):
    assert classify_reply(text, target_language="en") is not ReplyKind.CHATTER


def test_long_and_multi_paragraph_translations_are_certain():
    certain = [t for t in TRANSLATIONS if classify_reply(t) is ReplyKind.TRANSLATION]
    assert TRANSLATIONS[13] in certain  # three paragraphs
    assert TRANSLATIONS[14] in certain  # 30 words
    assert "Strike" not in certain  # one word: the bot asks


def test_the_corpus_is_large_enough():
    assert len(CHATTER) >= 30 and len(TRANSLATIONS) >= 30


def test_farsi_text_is_a_translation_when_the_target_is_written_in_arabic_script():
    text = "کارگران هفت تپه برای سومین روز متوالی در برابر فرمانداری تجمع کردند"
    assert classify_reply(text, target_language="en") is ReplyKind.CHATTER
    assert classify_reply(text, target_language="ar") is not ReplyKind.CHATTER
