"""Review use cases of statements (issue 11): a copy joined, Split, /split, /join.

A copy or forward of a queued statement gets no jobs: its card lists it, numbered ("Also in:
[3] @haft_tappeh (copy)"). When it arrives after the statement was published, nothing is
posted and the editors are told. An editor splits a wrong match off (the post gets jobs of its
own) with the card's Split button, or names any of the statement's posts, by its number or its
link, with ``/split <job> <post>``; and joins two jobs' statements with ``/join <job> <job>``.
"""

from __future__ import annotations

import logging

from relay.config import Person
from relay.core.jobview import JobView, Member
from relay.core.workflow import Status
from relay.logs import event
from relay.review import cards, posts
from relay.review.conversation import RefreshCards, Response, Say
from relay.review.desk import Desk, actor_of
from relay.review.texts import t
from relay.text.formatting import FormattedText
from relay.text.links import post_link
from relay.text.render import TEXT_LIMIT
from relay.text.split import split as split_text

log = logging.getLogger("relay.bot")
ANSWER_NAME = 32  # a channel's name in an answer: a button press's answer holds 200 characters


async def copy_joined(desk: Desk, job_ids: list[int]) -> Response:
    """Refresh the statement's cards; tell editors of each target already published."""
    said: list[Say | RefreshCards] = [RefreshCards(job_id) for job_id in job_ids]
    for job_id in job_ids:
        job = await desk.job(job_id)
        if job is None or job.status not in (Status.PUBLISHED, Status.STALE) or not job.also_in:
            continue
        member = job.also_in[-1]
        copy = post_link(member.channel_username, member.channel_id, member.message_id)
        link = await desk.publication_link(job) or ""
        said += [Say.plain(chat, t(lang, "told.copy_published", job=job.id, copy=copy, link=link),
                           on_failure="bot.tell_failed") for chat, lang in desk.editor_chats()]
    return Response(said)


async def copy_left(desk: Desk, lead_jobs: list[int], new_jobs: list[int]) -> Response:
    """An edited copy no longer matches its statement and left it: refresh the statement's
    cards and tell the editors, naming the copy and its own new jobs."""
    said: list[Say | RefreshCards] = [RefreshCards(job_id) for job_id in lead_jobs]
    new = await desk.job(new_jobs[0]) if new_jobs else None
    if new is not None and desk.statements is not None:
        desk.statements.replace((new.channel_id, new.unit_key), new.source_text,
                                new.message_date)
    copy = post_link(new.channel_username, new.channel_id, new.message_id) if new else "-"
    jobs = ", ".join(map(str, new_jobs)) or "-"
    if lead_jobs:  # one notice for the statement, named by its first job
        said += [Say.plain(chat, t(lang, "told.copy_left", job=lead_jobs[0], copy=copy,
                                   jobs=jobs), on_failure="bot.tell_failed")
                 for chat, lang in desk.editor_chats()]
    return Response(said)


async def split(desk: Desk, person: Person, job_id: int, member_id: int) -> Response:
    """Split a post off the job's statement, from the card's Split button or ``/split``: it
    gets its own jobs, copies stop finding it. A post its channel deleted, or one an editor
    joined with /join, stays."""
    lang = person.language
    if not person.is_editor:
        return desk.refuse(t(lang, "no.not_editor"), user=person.id, what="split", job=job_id,
                           why="not an editor")
    job = await desk.job(job_id)
    member = next((m for m in job.also_in if m.id == member_id), None) if job else None
    if member is None:
        return _split_gone(desk, person, job_id)
    copy = cards.copy_label(member, ANSWER_NAME)
    if member.deleted or member.how == "joined":
        key, why = ("no.split_deleted", "deleted post") if member.deleted else (
            "no.split_joined", "joined by an editor")
        return desk.refuse(t(lang, key, copy=copy, job=job_id), user=person.id, what="split",
                           job=job_id, why=why)
    done = await desk.store.split_member(job_id, member_id, actor_of(person).user_id,
                                         desk.now())
    if done is None:  # split or moved since the job was read
        return _split_gone(desk, person, job_id)
    if desk.statements is not None:
        desk.statements.forget(done.unit)
    log.info(event("statement.split", job=job_id, user=person.id,
                   jobs=",".join(map(str, done.jobs))))
    link = post_link(member.channel_username, member.channel_id, member.message_id)
    statement_jobs = dict.fromkeys((job_id, *done.statement_jobs))  # every card lists it
    new_jobs = ", ".join(map(str, done.jobs)) or "-"
    return Response([RefreshCards(j) for j in statement_jobs],
                    t(lang, "ok.split", copy=copy, link=link, job=job_id, jobs=new_jobs))


def _split_gone(desk: Desk, person: Person, job_id: int) -> Response:
    return desk.refuse(t(person.language, "no.split_gone", job=job_id), user=person.id,
                       what="split", job=job_id, why="not a member")


def parse_post_name(name: str) -> int | posts.PostRef | None:
    """How ``/split`` names a post of a statement: its number on the card ("17", "[17]",
    "#17", in any digits: "۱۷"), or its link or channel and id as /queue_post takes them;
    None when ``name`` is neither."""
    text = name.strip()
    words = text.split()
    number = words[0].strip("[]#") if words else ""
    if number.isdecimal():  # a number, and nothing after it ("1 2" is no channel and post)
        return int(number) if len(words) == 1 and len(number) < 12 else None
    ref, rest = posts.parse_post(text)
    return ref if ref is not None and not rest else None


async def split_command(desk: Desk, person: Person, chat_id: int, job_id: int, name: str, *,
                        reply_to: int | None = None) -> Response | None:
    """``/split <job> [post]``: with a post (see :func:`parse_post_name`), that post split off
    the job's statement exactly as by its Split button, for any post, not only those the card
    has a button for; without one, the statement's posts as the card numbers them. None:
    ``name`` names no post."""
    named = parse_post_name(name) if name else None
    if name and named is None:
        return None
    lang = person.language
    job = await desk.job(job_id)
    if job is None:
        return desk.refuse(t(lang, "no.unknown_job", job=job_id), user=person.id, what="/split",
                           job=job_id, why="unknown job")
    if named is None:
        return _list_posts(job, lang, chat_id, reply_to)
    if isinstance(named, int):
        if not any(m.id == named for m in job.also_in):
            return desk.refuse(t(lang, "no.split_number", job=job_id, copy=named),
                               user=person.id, what="/split", job=job_id,
                               why=f"no member {named}")
        return await split(desk, person, job_id, named)
    found = await _member_at(desk, person, job, named)
    return found if isinstance(found, Response) else await split(desk, person, job_id, found.id)


def _list_posts(job: JobView, lang: str, chat_id: int, reply_to: int | None) -> Response:
    """The statement's other posts, numbered as on the card, each with its link: also those
    beyond the card's "+N more", in as many messages as they need."""
    if not job.also_in:
        return Response(answer=t(lang, "split.none", job=job.id))
    lines = [t(lang, "split.head", job=job.id)]
    lines += [t(lang, "split.line", copy=cards.copy_label(m), how=cards.how_text(m, lang),
                date=cards.fmt_time(m.date),
                link=post_link(m.channel_username, m.channel_id, m.message_id))
              for m in job.also_in]
    parts = split_text(FormattedText("\n".join(lines)), TEXT_LIMIT)
    return Response([Say(chat_id, part, reply_to=reply_to if k == 0 else None)
                     for k, part in enumerate(parts)])


async def _member_at(desk: Desk, person: Person, job: JobView,
                     ref: posts.PostRef) -> Member | Response:
    """The post of job's statement a link names, or the refusal that says why it is none."""
    lang, link = person.language, posts.link_of(ref)
    post = await desk.store.find_post(*ref)
    if post is None:
        return desk.refuse(t(lang, "no.unknown_post", link=link), user=person.id, what="/split",
                           job=job.id, why=f"no stored post {link}")
    unit = (post.channel_id, post.unit_key)
    member = next((m for m in job.also_in if (m.channel_id, m.unit_key) == unit), None)
    if member is not None:
        return member
    if unit == (job.channel_id, job.unit_key):
        key, why = "no.split_lead", "the job's own post"
    elif post.job_ids:
        key, why = "no.split_own_jobs", "a post with jobs of its own"
    else:
        key, why = "no.split_not_member", "not a member"
    return desk.refuse(t(lang, key, link=link, job=job.id,
                         jobs=", ".join(map(str, post.job_ids))),
                       user=person.id, what="/split", job=job.id, why=why)


async def join(desk: Desk, person: Person, keep_job: int, merge_job: int) -> Response:
    """``/join <job> <job>``: the second job's statement joins the first's."""
    lang = person.language
    done = await desk.store.join_statements(keep_job, merge_job, actor_of(person), desk.rules,
                                            desk.now())
    if done is None:
        return desk.refuse(t(lang, "no.join", first=keep_job, second=merge_job), user=person.id,
                           what="/join", job=merge_job, why="unknown job or same statement")
    if done.refused is not None:  # the workflow may not close that job: nothing was done
        job_id, status, target = done.refused
        key = "no.join_pending" if status == Status.APPROVED else "no.join_published"
        return desk.refuse(t(lang, key, first=keep_job, second=merge_job, job=job_id,
                             target=target.upper(), other=done.blocking or "-"),
                           user=person.id, what="/join", job=job_id, why=f"job {status}")
    log.info(event("statement.joined", job=keep_job, merged=merge_job, user=person.id,
                   closed=",".join(map(str, done.closed))))
    refresh = [RefreshCards(j) for j in (keep_job, merge_job, *done.kept, *done.closed)]
    return Response(list(dict.fromkeys(refresh)), t(
        lang, "ok.join", first=keep_job, second=merge_job,
        closed=", ".join(map(str, done.closed)) or "-"))
