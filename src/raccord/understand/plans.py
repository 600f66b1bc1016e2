"""What the session itself agreed to take up next time.

A patient who asks to work on something next session (« On pourrait voir ça la semaine
prochaine ? », "Could we spend some of next week on what I'd say to her?") has set the opening of
the next session; a therapist who says yes (« Oui, on commencera par là », "We'll start there")
has agreed to it. A sentence prepared for next session that reopens a brief tension instead
overrides what the patient asked for (a blind review found exactly that), so the request is a
fact the report shows first.

The patient's request and the therapist's yes are read with the moves pack's cues
(``lang/<code>/moves.toml``, ``[context] asks_next_time``, ``agrees_next_time``: the move labels
read the same ones, so a yes to the patient's plan is never also a move past their concern); the
therapist's question about next session, their proposal and the patient's yes to it, only read
here, are the understanding pack's (``lang/<code>/understand.toml``, ``[cues]``); one cue engine
reads both. The request is quoted as the patient said it, in the clause where the cue fired.

A task for the time between sessions is the other thing a session agrees on (« D'ici la semaine
prochaine, est-ce que vous pourriez noter… » — « Oui, je peux essayer. », "This week I'm going to
try to call her"): the next session asks how it went, and a task proposed without a clear yes is
worth checking before asking for its account (compliance with a task the patient never agreed to
is a withdrawal waiting to happen). Those cues are the understanding pack's
(``lang/<code>/understand.toml``, ``[cues] therapist_offers_homework``, ``client_commits_week``,
``client_will_try``).

A step the therapist proposes as a question (« Qu'est-ce que vous diriez d'aller lui en parler ? »,
``therapist_proposes``) is a task when the patient takes it up in their own words (« Oui, je peux
l'appeler… J'irai la semaine prochaine », ``client_takes_up``): a blind review found such an
agreement missed because no yes-word answered it; the patient's words are what the next session
asks about. And the next appointment, set by the therapist in the session's last turns (« Dans deux
semaines, même heure ? », ``sets_appointment``) and confirmed (« Même heure. », ``confirms_slot``),
is on record with the date as said. So is what they agreed about the relationship itself for
the time ahead (``asks_to_be_told``: "And if I start driving too fast again, will you tell me?" —
``client_will_tell``: "I'll tell you. Same as I did today."): a clinician's review of a
never-seen session found it missing from what the session agreed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from raccord.detect import signals as marker_pack
from raccord.detect.moves import context_cue
from raccord.detect.moves import context_words as move_cue
from raccord.model import Transcript
from raccord.quote import clip
from raccord.taxonomy import Role
from raccord.understand.facts import next_turn
from raccord.understand.text import (
    clauses,
    cue,
    cue_sentence,
    cues_fired,
    section,
    sentence_end,
    span,
    word_keys,
)

#: How many turns after the request the therapist's yes may come (a slot to find first: « Let me
#: look. I've got Thursday at four. » — "Four's good." — "So Thursday we start with…").
AGREED_WITHIN = 3
#: A request is quoted whole up to this many words: it is what the next session opens with.
PLAN_WORDS = 36
#: An answer to "what would be your first step?" names a step when it says at least this much
#: (« Je sais pas. » does not).
TASK_WORDS = 4
#: A step the therapist says back with at least this many of its content words is heard (« lui
#: parler de la maison » — « Lui parler de la maison plutôt que… »: "parler" is no content word).
SAID_BACK_WORDS = 1
#: The therapist's answer to a moved appointment is quoted up to this many characters.
SLOT_CHARS = 120
#: The next appointment is set in the session's last turns (not "in two weeks?" said of a task).
CLOSING_TURNS = 6
#: How many turns after a task a confrontation marker still turns it down (a hesitant "Maybe.",
#: a question, then "With respect, you've never had to…").
REFUSED_WITHIN = 6
#: A task is quoted with the sentences that carry it on (« Et un après-midi… »), up to this many
#: words: the next session asks about all of it.
TASK_QUOTE_WORDS = 48
#: Turns before the task where the patient's own idea of it is looked for.
IDEA_WITHIN = 6
#: Turns before a recap of the week's steps (``cues.therapist_recaps_task``: "So: Tuesday, half
#: six, the pontoon with Tommo…") where the patient's own idea is looked for: a recap sums up
#: what was built over the last minutes ("Stand on the pontoon while the lads load the CTV").
RECAP_IDEA_WITHIN = 16
#: A therapist's summary of next session this many turns after the patient's yes to a subject
#: is the agreement to it (``_summed_up``).
SUMMARY_AFTER = 2
#: Content words the task shares with a patient turn for it to be that turn's idea.
IDEA_WORDS = 2


@dataclass(frozen=True, slots=True)
class Plan:
    """A subject the patient asked to take up next session (``words``: the patient's clause,
    as said) and the therapist turn that agreed to it, if one did."""

    turn: int
    words: str
    agreed_at: int | None = None
    #: The therapist's yes when it says what the session will do (« Alors on commence par le
    #: village la prochaine fois, et la question du troupeau, on la garde pour après »), as said:
    #: a request may only point at it ("Can we do it before Sunday?").
    summary: str | None = None
    #: The therapist proposed it (``words`` are the therapist's) and the patient said yes at
    #: ``agreed_at`` ("We could do that next week: rehearse a couple of sentences together." —
    #: "Yes. I'd like that.").
    proposed: bool = False
    #: The patient said it answering the therapist's question about next session (« Et pour
    #: votre frère, vous voulez qu'on en reparle la prochaine fois ? »), not unprompted.
    answered: bool = False
    #: A task for between sessions (proposed by the therapist, or said by the patient as what they
    #: will do), not a subject for next session: the next session asks how it went.
    between: bool = False
    #: The request moves the appointment itself (« se voir dans une semaine plutôt », "Could we
    #: do next week a bit earlier?"): no subject, but a date the therapist wants in the brief.
    moved: bool = False
    #: The patient's answer turned the task down, with a confrontation marker (« Ils me font juste
    #: me sentir encore plus nulle, vos exercices »): not a task to ask about next time.
    refused: int | None = None
    #: The therapist set the next appointment at the session's end and the patient confirmed it
    #: (« Dans deux semaines, même heure ? » — « Même heure. »): ``words`` are the therapist's.
    appointment: bool = False
    #: The patient took up the therapist's proposal in their own words (« Qu'est-ce que vous
    #: diriez d'aller lui en parler ? » — « Oui, je peux l'appeler… J'irai la semaine
    #: prochaine »), as said: what the next session asks about.
    own: str | None = None
    #: An agreement about the relationship for what comes next: the therapist asked to be told
    #: if it happens again ("And if I start driving too fast again, will you tell me?") and the
    #: patient agreed at ``agreed_at`` (``own``: their answer, as said, "I'll tell you."); or,
    #: not ``proposed``, the patient offered it ("if it starts feeling like being marked again,
    #: I'll say so") and the therapist welcomed it at ``agreed_at`` (``own``: "Please do…").
    relation: bool = False
    #: The patient turn the task came from: the therapist put the patient's own idea into words
    #: (« C'est votre idée… Un café avec Marc, en dehors de la tour »), so it is not "proposed by
    #: you" alone.
    idea: int | None = None
    #: The therapist left the task to the patient's choice ("Only if it feels right", « si vous
    #: en avez envie »): the next session asks whether it happened, not what got in the way;
    #: also the patient's own step left to them ("I'll tell Kerry about today" — "Only if it
    #: feels right").
    optional: bool = False
    #: The patient said it is not homework ("I want to try it. Not as homework.", « Pas comme un
    #: exercice. »): the next session asks what it was like, without checking it off.
    not_homework: bool = False
    #: The patient asked to leave the subject for another time ("Could we leave the dad stuff for
    #: another time? I think I'd have to come at it slowly"): theirs to bring back, never a
    #: subject to open the next session with (a clinician's review of a never-seen session); with
    #: ``proposed``, the therapist offered it and the patient agreed ("Would it be alright if we
    #: came back to the yard another time, if and when you want to?").
    aside: bool = False
    #: The patient turn that reshaped the therapist's task (« Deux matins. Lundi et mardi… Trois
    #: semaines d'affilée, non. », "Could I draft it this week and decide about sending it next
    #: session?"), which the therapist then endorsed at ``agreed_at`` (« C'est vous qui savez ce
    #: que vous pouvez tenir »); ``own`` is the task as the patient set it, the one to ask about
    #: (a blind review found it reported with "no clear yes", the first version quoted).
    reshaped: int | None = None

    @property
    def subject(self) -> bool:
        """A subject for next session: not a task for the week, an agreement about the
        relationship, an appointment moved or set, or a subject the patient set aside."""
        return not (self.between or self.relation or self.moved or self.appointment or self.aside)


def find(
    transcript: Transcript,
    code: str,
    refusals: frozenset[int] = frozenset(),
    disputed: frozenset[int] = frozenset(),
    appeased: frozenset[int] = frozenset(),
) -> tuple[Plan, ...]:
    """What the session agreed to take up next time, in order: a patient turn that asks for it
    (``asks_next_time``) or answers the therapist's question about next session
    (``therapist_asks_next_time``), each with the therapist's yes; and a therapist's proposal
    for next session (``therapist_offers_next_time``) the patient says yes to at once
    (``client_accepts``). ``refusals`` are the patient turns holding a confrontation marker: a
    task answered by one was turned down. ``disputed`` are the patient turns the therapist argued
    against right after: what the patient says they will do there is the conflict, not a plan (a
    review found "I'll just do a couple of extra runs this week", said by a patient with
    anorexia, listed as the week's task to ask about). ``appeased`` are the patient turns holding
    an appeasing-agreement marker: a yes to a task there is no clear yes (a review found "Yes.
    Yes, I can do that." — flagged as appeasing, the homework taken back three turns later —
    listed as a task accepted, to ask about)."""
    turns = transcript.turns
    out: list[Plan] = []
    for i, turn in enumerate(turns):
        if turn.role is Role.THERAPIST:
            # the therapist's own commitment about the relationship ("And I'll try to ask before I
            # decide what's good for you", « je m'engage à vous demander avant de vous donner un
            # avis »): a clinician's review found it missing from what was agreed
            promised = cue_sentence(code, "therapist_commits", turn.text)
            if promised is not None:
                out.append(Plan(i, promised[1].rstrip("."), relation=True, proposed=True))
            if any(p.agreed_at == i and not p.between for p in out):
                # the yes to the patient's own request (not to a step of theirs: « Ça vaut mieux,
                # oui. Et si une crise arrive d'ici là, on garde ce qu'on avait dit : … » goes on
                # with the week's task, fresh58); it may still set the next appointment
                # (« C'est vous qui décidez… Mardi prochain, même heure ? » — « Mardi, dix-huit
                # heures. »: a review found the date missing)
                _appointment(transcript, i, code, out)
                continue
            answer = next_turn(transcript, i, Role.PATIENT, within=2)
            moved = _slot_offered(transcript, i, code, refusals)
            if moved is not None and not any(p.moved for p in out):
                out.append(moved)
            # a subject left until the patient brings it back, at the therapist's suggestion
            # ("…if we came back to the yard another time, if and when you want to?" — "Yeah.
            # Not next week, maybe."): a blind read found it missing, and it is no subject to
            # open the next session with; the recap that says it again is the same agreement
            left = cue_sentence(code, "therapist_sets_aside", turn.text)
            if (
                left is not None
                and answer is not None
                and _accepts(code, turns[answer].text)
                and not any(p.aside and p.proposed for p in out)
            ):
                said = _with_subject(turn.text, left[1])
                out.append(Plan(i, said.rstrip("."), answer, proposed=True, aside=True))
            offer = (
                None
                if left is not None
                else cue_sentence(code, "therapist_offers_next_time", turn.text)
            )
            if offer is not None and answer is not None:
                # a yes flagged as appeasing (« Bon. Si vous le dites. ») is no clear yes: the
                # proposal is on record, to be checked before the next session opens with it
                # (fresh44's review found it missing); a proposal not taken up is no plan
                # so is a yes the turn takes back (« Ouais. On verra dimanche, déjà. », fresh54)
                if answer in appeased or _hedged(code, turns[answer].text):
                    out.append(Plan(i, offer[1].rstrip("."), None, proposed=True))
                elif cue(code, "client_accepts", turns[answer].text) is not None:
                    out.append(Plan(i, offer[1].rstrip("."), answer, proposed=True))
            # asking for the patient's own step ("What would be a step you could actually take
            # this week?") offers none: the answer is the task (``_asked_for_a_step``); a blind
            # read found the question quoted as the week's task
            offered = (
                None
                if cue(code, "therapist_asks_task", turn.text) is not None
                else cue_sentence(code, "therapist_offers_homework", turn.text)
            )
            recap = cue_sentence(code, "therapist_recaps_task", turn.text) or _announced_recap(
                code, turn.text
            )
            # a task given as a recap ("So, for this week: voice notes instead of the worksheet,
            # finish the script…") sums up the session: the patient's idea may be further back
            # (fresh45's review found voice notes, hers seven turns earlier, credited to the
            # therapist)
            task = offered or recap
            ask = cue_sentence(code, "asks_to_be_told", turn.text)
            if task is not None and ask is not None:
                # what the patient will say in session is an agreement about the relationship
                # (below), not the week's task (fresh62: « si… vous vous sentez de nouveau
                # coincée…, est-ce que vous seriez d'accord pour me le dire sur le moment ? »
                # reported as homework to ask about)
                task = None
            # one turn may give the week's task and the next session's subject (« Je vous propose
            # pour la semaine : le carnet… Et la prochaine fois, on regarde cette voix-là »)
            if (
                task is not None
                and (offer is None or task[1] != offer[1])
                and not _answered_with(transcript, i, code, "drops_task", within=3)
            ):
                # the yes may come after a question about the task (« Même le dimanche ? »),
                # and so may the refusal ("Maybe." — "With respect, you've never had to…")
                said_yes = _yes_to_task(transcript, i, code)
                if said_yes is None and recap is not None:
                    # a recap sums up steps already agreed one by one ("Shall we put booking it
                    # on this week's list too?" — "Yes. Tomorrow." — "So, to recap: …", fresh62:
                    # reported as a task with no clear yes)
                    said_yes = _yes_before(transcript, i, code)
                yes = None if said_yes in appeased else said_yes
                no = _turned_down(transcript, i, refusals, before=said_yes)
                said = _continued(code, turn.text, task[1]).rstrip(".")
                # the patient's answer changed the task and the therapist endorsed the change:
                # the task is the patient's version, agreed at the endorsement (a yes, even one
                # heard as appeasing, changes nothing: "Yeah, I can try that." is no new task)
                changed = (
                    None
                    if said_yes is not None or no is not None
                    else _reshaped(transcript, i, code)
                )
                reshaped, endorsed = changed if changed is not None else (None, None)
                out.append(
                    Plan(
                        i,
                        said,
                        endorsed if changed is not None else None if no is not None else yes,
                        proposed=True,
                        between=True,
                        refused=no,
                        idea=None
                        if no is not None or changed is not None
                        else _patients_idea(
                            transcript,
                            i,
                            code,
                            said,
                            IDEA_WITHIN if recap is None else RECAP_IDEA_WITHIN,
                        ),
                        optional=cue(code, "leaves_it_to_them", turn.text) is not None,
                        not_homework=_not_homework(transcript, i, code),
                        own=None if reshaped is None else _as_set(code, turns[reshaped].text),
                        reshaped=reshaped,
                    )
                )
            elif (
                offer is None
                and ask is None
                and (proposal := cue_sentence(code, "therapist_proposes", turn.text))
            ):
                taken = _taken_up(transcript, answer, code, refusals)
                if taken is not None:
                    out.append(
                        Plan(
                            i,
                            proposal[1].rstrip("."),
                            answer,
                            proposed=True,
                            between=True,
                            own=taken,
                        )
                    )
            # what they agreed about the relationship itself ("will you tell me?" — "I'll tell you")
            if (
                ask is not None
                and answer is not None
                and _yes(code, turns[answer].text, "client_will_tell")
            ):
                out.append(
                    Plan(
                        i,
                        ask[1].rstrip("."),
                        answer,
                        proposed=True,
                        relation=True,
                        own=clip(turns[answer].text, SLOT_CHARS),
                    )
                )
            # the date of the next session, not what it will do (« On en reparle la semaine
            # prochaine ? » is the offer above)
            # (and after a recap of the week's steps: "So, to recap: … Same time next week?" —
            # "Same time.", fresh62), in a sentence of its own
            if offer is None:
                _appointment(transcript, i, code, out, besides=None if task is None else task[1])
            continue
        if turn.role is not Role.PATIENT:
            continue
        # the next appointment asked for by the patient ("Same time next week?") and confirmed by
        # the therapist ("Same time."): fresh45's review found it unrecorded
        _appointment(transcript, i, code, out, answer_by=Role.THERAPIST)
        # the patient's own word about the relationship, welcomed ("if it starts feeling like
        # being marked again, I'll say so" — "Please do"): a blind read found it missing
        offered = cue_sentence(code, "client_offers_to_tell", turn.text)
        reply = None if offered is None else next_turn(transcript, i, Role.THERAPIST, within=1)
        if (
            offered
            and reply is not None
            and cue(code, "therapist_welcomes_telling", turns[reply].text)
        ):
            out.append(
                Plan(
                    i,
                    offered[1].rstrip("."),
                    reply,
                    relation=True,
                    own=clip(turns[reply].text, SLOT_CHARS),
                )
            )
        asked = move_cue(code, "asks_next_time", turn.text) is not None
        answered = (
            i > 0
            and turns[i - 1].role is Role.THERAPIST
            and cue(code, "therapist_asks_next_time", turns[i - 1].text) is not None
        )
        if _reschedules(code, turn.text, asked):
            # the appointment moved (« se voir dans une semaine plutôt »): no subject, a date —
            # the therapist's answer gives it (« Oui, bien sûr. Mardi prochain, même heure ? »)
            slot = next_turn(transcript, i, Role.THERAPIST, within=2)
            when = None if slot is None else clip(turns[slot].text, SLOT_CHARS)
            out.append(Plan(i, _said(code, turn.text, asked, moving=True), slot, when, moved=True))
            continue
        if asked and (earlier := _recalled(transcript, out, i, code)) is not None:
            # the patient takes up the therapist's proposal that had no clear yes when it was
            # made (« Ce que je vous propose, c'est qu'on la prenne au début de la prochaine
            # séance » — « Si vous voulez. » … « Mais on en parle la prochaine fois, comme vous
            # avez dit. »): one agreement, the therapist's proposal, now accepted (fresh48)
            if earlier in out:
                out.remove(earlier)
            out.append(replace(earlier, agreed_at=i))
            continue
        if asked or answered:
            agreed = _agreed(transcript, i, code)
            question = (
                None
                if asked or agreed is not None
                else cue_sentence(code, "therapist_asks_next_time", turns[i - 1].text)
            )
            if question is not None and _accepts(code, turn.text):
                # a plain yes to the therapist's question, with no yes of the therapist's after
                # it: the question names the subject (« Et les assiettes, le soir, est-ce que
                # c'est quelque chose dont vous aimeriez qu'on reparle, une autre fois ? » —
                # « Oui, je crois. Pas forcément pour que ça s'arrête… »: the brief quoted her
                # answer, without the plates, fresh48)
                out.append(Plan(i - 1, question[1].rstrip(), i, proposed=True))
                continue
            summary = None if agreed is None else _summary(code, turns[agreed].text)
            # « On en parlera peut-être la prochaine fois. Peut-être. » — « Quand vous le voudrez,
            # vous. »: left in the patient's hands, as much as a subject put off (fresh35)
            aside = asked and (
                _sets_aside(code, turn.text)
                or (
                    agreed is not None
                    and cue(code, "leaves_it_to_them", turns[agreed].text) is not None
                )
            )
            said = _said(code, turn.text, asked)
            out.append(Plan(i, said, agreed, summary, answered=not asked, aside=aside))
        elif i in disputed or _answered_with(transcript, i, code, "therapist_objects", within=2):
            continue
        elif (own := cue_sentence(code, "client_commits_week", turn.text)) and not (
            # the yes to the therapist's task is that task, not one of the patient's own; what
            # the yes adds is ("That sounds right. I'll do it Saturday. And I'll bring the herd
            # book next time."); so is the task said back with its day (« appeler Catherine
            # cette semaine » — « Je l'appelle dimanche soir »)
            any(
                p.agreed_at == i
                and (_accepts(code, own[1]) or word_keys(code, own[1]) & word_keys(code, p.words))
                for p in out
            )
        ):
            out.append(Plan(i, own[1].rstrip("."), between=True))
        elif (
            (step := cue_sentence(code, "client_commits_step", turn.text))
            and (reply := next_turn(transcript, i, Role.THERAPIST, within=1)) is not None
            and (
                (theirs := cue(code, "leaves_it_to_them", turns[reply].text) is not None)
                or cue(code, "therapist_welcomes_step", turns[reply].text) is not None
                or _said_back(transcript, step[1], reply, code)
            )
        ):
            # the patient's own step with no day said, left to them ("I'll tell Kerry about
            # today" — "Only if it feels right") or welcomed (« Je vais demander à maman les
            # vieilles photos » — « Très bonne idée. », fresh49): blind reads found both missing
            # from what was agreed; or said back and confirmed (« je crois que je vais lui parler
            # de la maison, plutôt » — « Lui parler de la maison plutôt que lui promettre d'y
            # retourner. » — « Oui. […] Ça, je peux le faire sans mentir. », fresh57)
            out.append(Plan(i, step[1].rstrip("."), reply, between=True, optional=theirs))
        elif (
            _asked_for_a_step(transcript, i, code)
            and len(turn.text.split()) >= TASK_WORDS
            and not _hedged(code, turn.text)
        ):
            # the patient's own step, asked for ("What would be the smallest first step?"), in
            # one turn or two in a row ("Maybe texting Dev…" / "And next time she calls…"); not a
            # hedged one (« Oui, oui, la pause café, ça ira, sûrement. », fresh57: the therapist
            # named it as a yes to please, the patient took it back, and the report listed it)
            out.append(Plan(i, _said(code, turn.text, False), between=True))
    # a task proposed with no clear yes that a later task of the week replaced ("So, for this
    # week: you keep your mornings in the parlour…" after "try something different at five"), or
    # the patient's own step said later ("I'll ring her"), is not one to ask about: a review
    # found the task that set off the rupture listed to follow up
    later = [p.turn for p in out if p.between and (p.agreed_at is not None or not p.proposed)]
    out = [
        p
        for p in out
        if not (
            p.between
            and p.proposed
            and p.agreed_at is None
            and p.refused is None
            and any(t > p.turn for t in later)
        )
    ]
    # the patient's own step, then the therapist's recap of it that the patient accepted ("I could
    # text him back…" — "So let me check I've got it: you'll text Dev…" — "Deal."): one task,
    # told once, as the recap that names its source
    built_on = {p.idea for p in out if p.between and p.proposed and p.agreed_at is not None}
    out = [p for p in out if not (p.between and not p.proposed and p.turn in built_on)]
    # the patient's yes to taking a subject up next time, then at once the therapist's summary of
    # next session that the patient accepts (« On peut en reparler. » — « Si je résume : la
    # semaine prochaine, on parle de… et de samedi. Ça vous va ? » — « Ça me va. »): one
    # agreement, the patient's, which the therapist summed up; a blind read found both listed,
    # and then the summary alone credited to the therapist ("Proposé par vous")
    out = _summed_up(out)
    # a task of the week the patient turns down later in the session, the therapist agreeing ("I
    # don't want to do the sheet. I said yes because it's easier to say yes." — "Then that's what
    # we'll do."): not one to ask about (fresh47's review found the feelings log still listed)
    out = [p for p in out if not (p.between and _dropped_later(transcript, p, code))]
    # the patient's own step whose day they take back later ("I'll tell him on Sunday." … "Except
    # not on the Sunday call for the telling. I'll take him for a coffee before he goes."): a
    # clinician's review found the first one listed to ask about (fresh51)
    out = [
        p
        for p in out
        if not (p.between and not p.proposed and _day_taken_back(transcript, p, code))
    ]
    # what the next session opens with first, then the tasks of the week, what was agreed about
    # the relationship, what was set aside (never to open with), then the date
    return tuple(
        sorted(
            out,
            key=lambda p: (
                p.moved or p.appointment,
                p.aside,
                p.between or p.relation,
                p.relation,
                p.turn,
            ),
        )
    )


def _dropped_later(transcript: Transcript, plan: Plan, code: str) -> bool:
    """A patient turn after the task (and its yes) turns down a written task (``cues.
    client_drops_task``: "I don't want to do the sheet", « je n'ai pas envie de faire la fiche »)
    when the task, or the turn that gave it, is one (``cues.written_task``: the feelings log
    handed over earlier is "the sheet" by then), and the therapist's next turn agrees ("Then
    that's what we'll do", ``therapist_agrees_to_drop``)."""
    turns = transcript.turns
    if cue(code, "written_task", f"{plan.words} {turns[plan.turn].text}") is None:
        return False
    for j in range((plan.agreed_at or plan.turn) + 1, len(turns)):
        if turns[j].role is not Role.PATIENT:
            continue
        if cue(code, "client_drops_task", turns[j].text) is None:
            continue
        reply = next_turn(transcript, j, Role.THERAPIST, within=1)
        if reply is not None and cue(code, "therapist_agrees_to_drop", turns[reply].text):
            return True
    return False


def _day_taken_back(transcript: Transcript, plan: Plan, code: str) -> bool:
    """Whether a later patient turn takes back the day the step of ``plan`` named (``cues.
    client_retracts_day``: "not on the Sunday", « pas dimanche »)."""
    named = word_keys(code, plan.words)
    for t in transcript.turns[plan.turn + 1 :]:
        if t.role is not Role.PATIENT:
            continue
        found = cue_sentence(code, "client_retracts_day", t.text)
        if found is not None and named & word_keys(code, found[0]):
            return True
    return False


def _not_homework(transcript: Transcript, i: int, code: str) -> bool:
    """The patient said, in the two turns before the task of turn ``i`` or in their answer to
    it, that it is not homework ("I want to try it. Not as homework.", « Pas comme un
    exercice. »): asked about without checking it off."""
    turns = transcript.turns
    near = [k for k in (i - 1, i + 1) if 0 <= k < len(turns) and turns[k].role is Role.PATIENT]
    return any(cue(code, "not_homework", turns[k].text) is not None for k in near)


def _reshaped(transcript: Transcript, i: int, code: str) -> tuple[int, int] | None:
    """The patient's answer to the task of turn ``i`` that changes it and the therapist turn right
    after that endorses the change (``cues.endorses_change``: "That sounds wise to me… You know
    your load better than I do", « Deux matins, c'est très bien »), or ``None``. The answer says
    at least ``TASK_WORDS`` words: « Je sais pas. » reshapes nothing."""
    answer = next_turn(transcript, i, Role.PATIENT, within=2)
    if answer is None or len(transcript.turns[answer].text.split()) < TASK_WORDS:
        return None
    reply = next_turn(transcript, answer, Role.THERAPIST, within=1)
    if reply is None or cue(code, "endorses_change", transcript.turns[reply].text) is None:
        return None
    return answer, reply


def _as_set(code: str, text: str) -> str:
    """The patient's reshaped task, as said: the whole answer up to ``TASK_QUOTE_WORDS`` words,
    else its first clauses (``_said``)."""
    text = text.strip()
    return text if len(text.split()) <= TASK_QUOTE_WORDS else _said(code, text, False)


def _summed_up(found: list[Plan]) -> list[Plan]:
    """Each patient plan for next session followed within ``SUMMARY_AFTER`` turns by the
    therapist's accepted summary of next session, with that summary as its agreement; the
    summary is then no plan of its own."""
    summaries = sorted(
        (p for p in found if p.proposed and p.subject and p.agreed_at is not None),
        key=lambda p: p.turn,
    )
    out: list[Plan] = []
    used: list[Plan] = []
    for p in found:
        after = (
            None
            if p.proposed or not p.subject
            else next((q for q in summaries if 0 < q.turn - p.turn <= SUMMARY_AFTER), None)
        )
        if after is None:
            out.append(p)
            continue
        used.append(after)
        out.append(replace(p, agreed_at=after.turn, summary=after.words))
    return [p for p in out if p not in used]


def _patients_idea(
    transcript: Transcript, i: int, code: str, task: str, within: int = IDEA_WITHIN
) -> int | None:
    """The patient turn, among the ``within`` turns before the task of turn ``i``, that the
    task puts into words: the one right before a therapist turn that credits the patient with it
    (``cues.credits_patient``: « C'est votre idée », "One that's yours, not mine"), else the one
    sharing the most content words with it, at least ``IDEA_WORDS`` (« Répondre à son message,
    déjà. Peut-être lui proposer un café » → « vous répondez à Marc, vous lui proposez un café »)."""
    turns = transcript.turns
    first = max(0, i - within)
    for j in range(i - 1, max(first, 1) - 1, -1):
        if (
            turns[j].role is Role.THERAPIST
            and cue(code, "credits_patient", turns[j].text) is not None
            and turns[j - 1].role is Role.PATIENT
        ):
            return j - 1

    wanted = word_keys(code, task)
    best: tuple[int, int] | None = None
    for j in range(first, i):
        if turns[j].role is not Role.PATIENT:
            continue
        shared = len(wanted & word_keys(code, turns[j].text))
        if shared >= IDEA_WORDS and (best is None or shared >= best[0]):
            best = (shared, j)
    return None if best is None else best[1]


def _announced_recap(code: str, text: str) -> tuple[str, str] | None:
    """The recap of the week's tasks said in the sentence after its announcement (« On récapitule
    les tâches, et vous me dites ce que vous en pensez. Le mardi, Karima ferme… », fresh51: the
    whole plan was missing), as ``cue_sentence`` gives it; ``None`` without an announcement."""
    announced = cue_sentence(code, "therapist_announces_recap", text)
    if announced is None:
        return None
    said = text.strip()
    head = announced[1].rstrip(".…").rstrip()
    start = said.find(head)
    if start < 0:
        return None
    # an announcement asked as a question ends at its "?" ("Shall we write the plan down?")
    after = start + len(head)
    rest = said[after if head.endswith(("?", "!")) else sentence_end(said, after) :].strip()
    end = sentence_end(rest)
    if len(rest[:end].split()) < 3:
        return None
    # the recap's other sentences, up to a question ("Shall we write the plan down? Midnight to six
    # every day. Reading or the Sunday list from ten. … And keep the diary.", fresh57: one item
    # of five was quoted)
    while not rest[:end].rstrip().endswith("?"):
        after = sentence_end(rest, end)
        more = rest[end:after].strip()
        if not more or more.endswith("?") or len(rest[:after].split()) > TASK_QUOTE_WORDS:
            break
        end = after
    whole = rest[:end].strip()
    return (whole, whole)


def _continued(code: str, text: str, sentence: str) -> str:
    """The task's ``sentence`` (or, when it only announces the task, ``cues.announces_task``,
    the sentence after it) with the sentences right after it that carry it on (``cues.
    continues_task``: "So, for this week: you keep your mornings in the parlour, just as they
    are. And one afternoon you take the dog out with Anne…"), as said, while the whole stays
    within ``TASK_QUOTE_WORDS`` words (a clinician found the quote stopping at its first half)."""
    head = sentence.rstrip(".…")
    start = text.find(head)
    if start < 0:
        return sentence
    # the sentence as said to its end (the cue's sentence may come clipped, « …la visite du… »)
    end = sentence_end(text, start + len(head))
    if len(text[start:end].split()) > TASK_QUOTE_WORDS:
        return sentence
    # a sentence that only announces the task ("here's a suggestion, and tell me if it fits.")
    # gives way to the next one, whatever its words (fresh64's review found the quote stopping
    # at the announcement)
    if cue(code, "announces_task", text[start:end]) is not None:
        rest = text[end:]
        following = rest[: sentence_end(rest)].strip()
        if following:
            start = end + rest.find(following)
            end = start + len(following)
    while True:
        rest = text[end:]
        following = rest[: sentence_end(rest)].strip()
        if not following or cue(code, "continues_task", following) is None:
            break
        longer = end + rest.find(following) + len(following)
        if len(text[start:longer].split()) > TASK_QUOTE_WORDS:
            break
        end = longer
    return text[start:end].strip()


def _asked_for_a_step(transcript: Transcript, i: int, code: str) -> bool:
    """Whether patient turn ``i`` answers the therapist's question about their own next step,
    directly or as the second of two patient turns in a row."""
    turns = transcript.turns
    j = i - 1
    if j >= 0 and turns[j].role is Role.PATIENT:
        j -= 1  # the second turn of the answer
    return (
        j >= 0
        and turns[j].role is Role.THERAPIST
        and all(turns[k].role is Role.PATIENT for k in range(j + 1, i))
        and cue(code, "therapist_asks_task", turns[j].text) is not None
    )


def _answered_with(transcript: Transcript, i: int, code: str, key: str, *, within: int) -> bool:
    """Whether the therapist's next turn (among the next ``within``) fires the pack's
    ``cues.<key>``: objecting to what the patient will do ("I have to be straight with you, that
    really worries me": it is then the conflict, ``therapist_objects``), or taking back the task
    of turn ``i`` ("Fair enough… Let's drop the log.", ``drops_task``)."""
    after = next_turn(transcript, i, Role.THERAPIST, within=within)
    return after is not None and cue(code, key, transcript.turns[after].text) is not None


def _yes_to_task(transcript: Transcript, i: int, code: str) -> int | None:
    """The patient turn, among the next four, that says yes to the task of turn ``i``."""
    turns = transcript.turns
    return next(
        (
            j
            for j in range(i + 1, min(len(turns), i + 5))
            if turns[j].role is Role.PATIENT and _accepts(code, turns[j].text)
        ),
        None,
    )


def _yes_before(transcript: Transcript, i: int, code: str) -> int | None:
    """The patient's last yes to a step in the ``RECAP_IDEA_WITHIN`` turns before turn ``i``
    (the therapist's recap of the steps agreed along the way)."""
    turns = transcript.turns
    return next(
        (
            j
            for j in range(i - 1, max(-1, i - RECAP_IDEA_WITHIN - 1), -1)
            if turns[j].role is Role.PATIENT and _accepts(code, turns[j].text)
        ),
        None,
    )


def _confirms(code: str, text: str) -> bool:
    """The patient's yes to the next appointment: a plain yes, or the slot said back."""
    return _yes(code, text, "confirms_slot")


def _taken_up(
    transcript: Transcript, answer: int | None, code: str, refusals: frozenset[int]
) -> str | None:
    """The patient's words that take up a proposal, from their answer ``answer``: its clauses
    that say what they will do (``client_takes_up``, ``client_will_try``), as said; ``None`` when
    the answer commits to nothing or is a confrontation ("Could you tell me more?" — "Yes, …"
    is no task)."""
    if answer is None or answer in refusals:
        return None
    text = transcript.turns[answer].text
    parts = [
        c
        for c in clauses(code, text, PLAN_WORDS)
        if cue(code, "client_takes_up", c) is not None or cue(code, "client_will_try", c)
    ]
    if not parts:
        return None
    return str(section(code, "understand").get("quote", {}).get("omission", " … ")).join(parts)


def _turned_down(
    transcript: Transcript, i: int, refusals: frozenset[int], *, before: int | None
) -> int | None:
    """The first patient turn with a confrontation marker within ``REFUSED_WITHIN`` turns of the
    task of turn ``i``, when it comes before the patient's yes (``before``), even one heard as
    appeasing: what is turned down after it is something else (fresh57's « Je vais essayer » to
    the coffee break, then « les fiches… ça sert à rien »)."""
    end = min(len(transcript.turns), i + 1 + REFUSED_WITHIN)
    if before is not None:
        end = min(end, before)
    return next((j for j in range(i + 1, end) if j in refusals), None)


def _reschedules(code: str, text: str, asked: bool) -> bool:
    """The request is about the appointment itself: the clause that asks for next time moves its
    day or time ("Could we do next week a bit earlier?"), not "Can we do it before Sunday?"; or
    a question that moves it in its own words (« on pourrait se voir dans une semaine plutôt que
    dans quinze jours ? »)."""
    if not asked:
        return "?" in text and cue(code, "reschedules", text) is not None
    return any(
        move_cue(code, "asks_next_time", c) and cue(code, "reschedules", c)
        for c in clauses(code, text, PLAN_WORDS)
    )


def _hedged(code: str, text: str) -> bool:
    """A yes the turn takes back (``cues.client_hedges``): « Ouais. On verra dimanche, déjà. » is
    no yes to talking about the frequency (fresh54)."""
    return cue(code, "client_hedges", text) is not None


def _yes(code: str, text: str, also: str) -> bool:
    """The patient's yes: a plain yes (``cues.client_accepts``), or the pack's ``cues.<also>``
    for what is asked — trying the task (``client_will_try``), the slot said back
    (``confirms_slot``), "I'll tell you" (``client_will_tell``)."""
    if _hedged(code, text):
        return False
    return cue(code, "client_accepts", text) is not None or cue(code, also, text) is not None


def _appointment(
    transcript: Transcript,
    i: int,
    code: str,
    out: list[Plan],
    answer_by: Role = Role.PATIENT,
    besides: str | None = None,
) -> None:
    """The next appointment set at the session's end by turn ``i`` (the therapist's, or the
    patient's with ``answer_by`` the therapist) and confirmed by the other (the date, not what
    the session will do), added to ``out`` unless one is already there; not when its sentence is
    in ``besides`` (the week's task said in the same turn)."""
    turns = transcript.turns
    if i < len(turns) - CLOSING_TURNS or any(p.moved or p.appointment for p in out):
        return
    date = cue_sentence(code, "sets_appointment", turns[i].text)
    answer = next_turn(transcript, i, answer_by, within=2)
    if date is None or answer is None:
        return
    if besides is not None:
        # after the task, in a sentence of its own ("So, to recap: … Same time next week?"), not
        # the question that opens it (« Est-ce qu'on pourrait se fixer quelque chose pour la
        # semaine prochaine ? Je vous propose deux choses… »)
        text = turns[i].text
        if date[1] in besides or text.find(date[1]) < text.find(besides):
            return
    if answer_by is Role.THERAPIST:
        # the patient asking for next session's subject or a new slot is a request (``find``);
        # only the slot said back by the therapist ("Same time.") sets the date they asked for
        confirmed = move_cue(code, "asks_next_time", turns[i].text) is None and bool(
            cue(code, "confirms_slot", turns[answer].text)
        )
    else:
        confirmed = _confirms(code, turns[answer].text)
    if confirmed:
        out.append(Plan(i, date[1].rstrip("."), answer, appointment=True))


def _slot_offered(
    transcript: Transcript, i: int, code: str, refusals: frozenset[int]
) -> Plan | None:
    """A new slot the therapist offers (``cues.therapist_offers_slot``: "I can do Tuesday at
    two", « Je peux vous proposer le lundi à dix-sept heures ») that the patient's next turn takes
    up for the same day (``cues.slot_suits``: "Tuesday at eight would be good", "I'll maybe come
    Tuesday"): the appointment moved, with the patient's answer as said, and the patient's turn
    just before as ``idea`` when it asked for that day. Two blind reviews found the rescheduling
    the therapist offered after a complaint about the slot missing (fresh57, fresh58)."""
    turns = transcript.turns
    offer = cue_sentence(code, "therapist_offers_slot", turns[i].text)
    answer = i + 1
    if offer is None or answer >= len(turns) or turns[answer].role is not Role.PATIENT:
        return None
    said = turns[answer].text
    if answer in refusals or not (_confirms(code, said) or cue(code, "slot_suits", said)):
        return None
    # the patient takes up the day offered, or the offer without naming another ("I could do
    # four o'clock next Thursday instead of ten" — "Four's perfect. Cheers.", fresh62)
    named = _days(code, said)
    if named and not _days(code, turns[i].text) & named:
        return None
    start = turns[i].text.find(offer[1])
    words = clip(turns[i].text[max(start, 0) :].strip(), SLOT_CHARS)
    # the day may be the patient's own ("Tuesdays I'm off. A Tuesday afternoon would be better."
    # — "I can do Tuesday at two.": a review found it reported as the therapist's offer alone)
    before = i - 1
    asked = (
        before
        if before >= 0
        and turns[before].role is Role.PATIENT
        and (
            _days(code, turns[before].text) & _days(code, turns[i].text)
            # or asked to move without naming the day ("Could we move to a later slot for
            # those? Like half four?" — "Half four on Thursdays is free", fresh63)
            or cue(code, "reschedules", turns[before].text) is not None
        )
        else None
    )
    return Plan(
        i,
        words,
        answer,
        proposed=True,
        moved=True,
        own=clip(said.strip(), SLOT_CHARS),
        idea=asked,
    )


def _with_subject(text: str, sentence: str) -> str:
    """The sentence that sets a subject aside, with the sentences before it in the turn when they
    fit in ``PLAN_WORDS`` words: « On pourra y revenir quand vous le voudrez » says what only
    with « On n'est pas obligées d'aller vers votre mère aujourd'hui » (fresh58)."""
    end = text.find(sentence)
    if end <= 0:
        return sentence
    whole = text[: end + len(sentence)].strip()
    return whole if len(whole.split()) <= PLAN_WORDS else sentence


def _said_back(transcript: Transcript, step: str, reply: int, code: str) -> bool:
    """The therapist's reply says the patient's step back in its words (at least
    ``SAID_BACK_WORDS`` of them) and the patient's next turn says yes to it."""
    turns = transcript.turns
    shared = word_keys(code, step) & word_keys(code, turns[reply].text)
    yes = next_turn(transcript, reply, Role.PATIENT, within=1)
    return (
        len(shared) >= SAID_BACK_WORDS
        and yes is not None
        and cue(code, "client_accepts", turns[yes].text) is not None
    )


def _days(code: str, text: str) -> frozenset[str]:
    """The days of the week a turn names, as the pack's ``cues.weekday`` that fire (one a day:
    "Tuesdays" is Tuesday)."""
    return cues_fired(code, "weekday", text)


def _sets_aside(code: str, text: str) -> bool:
    """The patient putting a subject off ("for another time", « pas aujourd'hui »), read by the
    marker pack's ``defers`` cues, the ones the episodes' resolution reads."""
    hit, _ = marker_pack.pack(code).family("defers").score(marker_pack.normalise(text))
    return hit > 0


def _accepts(code: str, text: str) -> bool:
    """The patient's yes to a task: a plain yes, or saying they will try it."""
    return _yes(code, text, "client_will_try")


def _said(code: str, text: str, asked: bool, moving: bool = False) -> str:
    """The request as the patient said it: from the clause that asks (or the answer's start) on,
    while it stays within ``PLAN_WORDS`` words (« … la prochaine fois ? Les deux ans. »); a
    request to move the appointment from the clause before the one that asks it (``cues.
    reschedules``: "my rota's changing… Is there any chance we could move to Wednesday
    mornings?", not the anecdote the turn opened with, fresh64)."""
    parts = clauses(code, text, PLAN_WORDS)
    if not parts:
        return text.strip()
    first = 0
    if asked:
        first = next((k for k, c in enumerate(parts) if move_cue(code, "asks_next_time", c)), 0)
    elif moving:
        first = next((k for k, c in enumerate(parts) if cue(code, "reschedules", c)), 0)
        if first and len(" ".join(parts[first - 1 : first + 1]).split()) <= PLAN_WORDS:
            first -= 1
    quoted = [parts[first]]
    for more in parts[first + 1 :]:
        if more.endswith("…") or len(" ".join([*quoted, more]).split()) > PLAN_WORDS:
            break
        quoted.append(more)
    if len(quoted) == 1:
        return quoted[0]
    # the patient's words from the first clause to the last, as said (never rejoined)
    return span(text, quoted[0], quoted[-1]) or quoted[0]


def _agreed(transcript: Transcript, i: int, code: str) -> int | None:
    """The therapist's yes to the patient's request at ``i``: not a yes that answers a later
    request of the patient's own (« Mais on en parle la prochaine fois, comme vous avez dit. » —
    « On commence par ça la prochaine fois. »)."""
    turns = transcript.turns
    for j in range(i + 1, min(len(turns), i + 1 + AGREED_WITHIN)):
        if turns[j].role is Role.PATIENT and move_cue(code, "asks_next_time", turns[j].text):
            return None
        if turns[j].role is Role.THERAPIST and move_cue(code, "agrees_next_time", turns[j].text):
            return j
    return None


def _recalled(transcript: Transcript, out: list[Plan], i: int, code: str) -> Plan | None:
    """The therapist's proposal for next session, made earlier with no clear yes, that the
    patient's request at ``i`` recalls (« comme vous avez dit », "like you said"): the one on
    record, else the last therapist turn that proposed something for next session (a lukewarm
    « Si vous voulez. » to it left no plan)."""
    if cue(code, "recalls_proposal", transcript.turns[i].text) is None:
        return None
    kept = next(
        (p for p in reversed(out) if p.proposed and p.subject and p.agreed_at is None),
        None,
    )
    if kept is not None:
        return kept
    taken = {p.turn for p in out}
    for j in range(i - 1, -1, -1):
        turn = transcript.turns[j]
        if turn.role is not Role.THERAPIST or j in taken:
            continue
        offer = cue_sentence(code, "therapist_offers_next_time", turn.text)
        if offer is not None:
            return Plan(j, offer[1].rstrip("."), None, proposed=True)
    return None


#: The therapist's yes is quoted as what the session will do when its sentence says this many
#: words besides the words of the yes (« On le met en premier la prochaine fois, d'accord »
#: says nothing more than yes).
SUMMARY_WORDS = 5


def _summary(code: str, text: str) -> str | None:
    """The sentence of the therapist's yes, as said, when it names what the session will do."""
    found = context_cue(code, "agrees_next_time", text)
    if found is None:
        return None
    rest = len(found.sentence.split()) - len(found.words.split())
    if rest >= SUMMARY_WORDS:
        return found.sentence.rstrip(".")
    # a short yes followed by what the session will do (« Ça me semble juste. On commence par
    # votre mère, et votre frère viendra quand vous serez prête. »): the yes and what follows
    start = text.find(found.sentence.rstrip(".…"))
    if start < 0:
        return None
    head = found.sentence.rstrip(".…")
    tail = text[start + len(head) :].lstrip(".… ")
    following = tail[: sentence_end(tail)].strip()
    if not following or cue(code, "names_plan", following) is None:
        return None
    # the span as said, from the yes to the end of the sentence that follows (never rejoined)
    end = text.find(following, start + len(head)) + len(following)
    said = text[start:end].strip().rstrip(".")
    return said if len(said.split()) <= PLAN_WORDS else None
