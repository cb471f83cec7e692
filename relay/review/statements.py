"""Review use cases of statements (issue 11): a copy joined, Split, /join.

A copy or forward of a queued statement gets no jobs: its card lists it ("Also in: ...").
When it arrives after the statement was published, nothing is posted and the editors are told.
An editor splits a wrong match from the card (the post gets jobs of its own) and joins two
jobs' statements with ``/join <job> <job>``.
"""

from __future__ import annotations

import logging

from relay.config import Person
from relay.core.workflow import Status
from relay.logs import event
from relay.review.conversation import RefreshCards, Response, Say
from relay.review.desk import Desk, actor_of
from relay.review.texts import t
from relay.text.links import post_link

log = logging.getLogger("relay.bot")


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
    """Split a post off the job's statement: it gets its own jobs, copies stop finding it."""
    lang = person.language
    if not person.is_editor:
        return desk.refuse(t(lang, "no.not_editor"), user=person.id, what="split", job=job_id,
                           why="not an editor")
    done = await desk.store.split_member(job_id, member_id, actor_of(person).user_id,
                                         desk.now())
    if done is None:
        return desk.refuse(t(lang, "no.split_gone", job=job_id), user=person.id, what="split",
                           job=job_id, why="not a member")
    if desk.statements is not None:
        desk.statements.forget(done.unit)
    log.info(event("statement.split", job=job_id, user=person.id,
                   jobs=",".join(map(str, done.jobs))))
    return Response([RefreshCards(job_id)], t(lang, "ok.split", job=job_id,
                                               jobs=", ".join(map(str, done.jobs)) or "-"))


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
