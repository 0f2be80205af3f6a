"""The attribution stage: quotes, speakers, cue verbs and chains of relaying sources.

For any word of an article this stage answers "according to whom?": it walks up the dependency
parse from the word through every reporting frame that embeds it ("X said that …", "… , X told
the Guardian", "X was quoted by IRNA as saying …", "according to X", "the Times reported, citing
officials") and through direct quotations (which may run over several sentences), and returns the
nearest speaker with the chain of relays between that speaker and the publishing outlet.

Speakers are resolved within the article: a pronoun ("he said") to the nearest person named
before it (subjects first), a relative pronoun ("a statement which said") to its noun, a bare
surname to the full name used earlier, a statement ("Trump's statement read", "a statement from the
army", "the agency issued a statement") to its author, and a title with a name ("US Ambassador
Richard Grenell") to the name. Each speaker gets a source type, one of `SPEAKER_KINDS`.

Everything here runs in time linear in the article (quote regions are found in one pass and
looked up by bisection), so unbalanced quotation marks and quotes thousands of words long neither
crash nor hang.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy
from spacy.attrs import DEP, ENT_TYPE, LEMMA, LOWER, POS
from spacy.symbols import VERB
from spacy.tokens import Doc, Span, Token

from tocsin.actors import DocumentActors
from tocsin.syntax import SUBJECT_DEPS, subject_of
from tocsin.types import ActorMention, Attribution, Quote, Speaker

LOGGER = logging.getLogger(__name__)

# The source types a speaker can have (`Speaker.kind`).
SPEAKER_KINDS = ("named_official", "named_person", "organisation", "media", "anonymous")

REPORTING_VERBS = {
    "say",
    "tell",
    "report",
    "announce",
    "add",
    "continue",
    "state",
    "claim",
    "deny",
    "warn",
    "quote",
    "write",
    "tweet",
    "post",
    "insist",
    "confirm",
    "acknowledge",
    "note",
    "explain",
    "argue",
    "suggest",
    "reveal",
    "declare",
    "stress",
    "assert",
    "allege",
    "comment",
    "remark",
    "reply",
    "respond",
    "disclose",
    "admit",
    "indicate",
    "emphasize",
    "emphasise",
    "predict",
    "estimate",
    "believe",
    "cite",
    "express",
    "repeat",
    "reiterate",
    "conclude",
    "observe",
    "testify",
    "inform",
    "brief",
}
# Verbs that introduce a quotation of someone's words without being statements themselves
# (these stay out of REPORTING_VERBS, which the events stage reads as CAMEO statements).
QUOTE_CUE_VERBS = REPORTING_VERBS | {"read", "speak", "call", "urge", "describe", "thank", "ask"}
# Nouns that stand for a statement rather than a speaker: the speaker is its author.
STATEMENT_NOUNS = {
    "statement",
    "report",
    "communique",
    "announcement",
    "release",
    "letter",
    "post",
    "tweet",
    "message",
    "warning",
    "filing",
    "notice",
}
SPOKESPERSON_NOUNS = {"spokesman", "spokeswoman", "spokesperson"}
# Reporting verbs whose noun object is itself the claim ("reports suggest a criminal act").
_CLAIM_VERBS = {"suggest", "claim", "deny", "confirm", "allege", "report"}
# Reporting verbs that take an object and its complement as what they report ("reported X to be").
_RAISING_VERBS = {"report", "believe", "claim", "allege", "estimate", "confirm", "declare", "say"}
# Verbs whose object is a statement its subject makes ("the ministry issued a statement").
_ISSUING_VERBS = {"issue", "release", "publish", "post", "send", "make", "put", "give", "read"}
ANONYMOUS_NOUNS = {
    "source",
    "official",
    "diplomat",
    "person",
    "people",
    "insider",
    "aide",
    "officer",
    "analyst",
    "expert",
    "observer",
    "witness",
    "resident",
    "member",
    "authority",
    "investigator",
    "worker",
}
ANONYMOUS_MARKERS = {"unidentified", "unnamed", "anonymous", "undisclosed", "unspecified"}
_ANONYMITY_PHRASE = re.compile(
    r"condition of anonymity|not authori[sz]ed to (speak|talk)|declined to be named|"
    r"asked not to be (named|identified)|(did|would) not (name|identify)",
    re.I,
)
# Determiners that leave "reports" unattributed ("some reports", "multiple reports").
_VAGUE_DETERMINERS = {"some", "several", "many", "multiple", "numerous", "other", "various", "unconfirmed"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "them", "it"}
RELATIVE_PRONOUNS = {"which", "who", "that", "whom"}
_QUOTE_CHAR = '"'
SCARE_QUOTE_MAX_WORDS = 2
_PRONOUN_SENTENCES = 3  # how many sentences back a pronoun looks for a subject to refer to


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character spans of the text inside paired straight double quotes, paragraph by paragraph.

    Pairs are matched left to right within a paragraph; an unmatched quotation mark is ignored,
    so unbalanced input never swallows the rest of an article. Runs in linear time.
    """
    regions: list[tuple[int, int]] = []
    position = 0
    for paragraph in text.split("\n"):
        opening: int | None = None
        offset = paragraph.find(_QUOTE_CHAR)
        while offset >= 0:
            if opening is None:
                opening = position + offset + 1
            else:
                regions.append((opening, position + offset))
                opening = None
            offset = paragraph.find(_QUOTE_CHAR, offset + 1)
        position += len(paragraph) + 1
    return regions


@dataclass(frozen=True, slots=True)
class Frame:
    """One reporting layer: who said it, with which cue, through which relays."""

    speaker: Speaker | None
    cue: str
    relays: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Antecedent:
    """A noun a later pronoun may refer to: a person or a group that was a subject."""

    index: int
    sentence: int
    subject: bool
    person: bool
    token: Token


class ArticleAttribution:
    """Attribution for the words of one parsed article."""

    def __init__(self, doc: Doc, actors: DocumentActors, publisher: str | None = None) -> None:
        self.doc = doc
        self.text = actors.text if actors.doc is doc else doc.text  # Doc.text joins every token
        self.actors = actors
        self.publisher = publisher
        self.regions = quote_regions(self.text)
        self._region_starts = [start for start, _ in self.regions]
        self._sentence_starts = [sentence.start for sentence in doc.sents]  # the sentences cover the doc
        self._full_names: dict[str, str] = {}
        self._antecedents: list[_Antecedent] = []
        self._antecedent_index: list[int] = []
        self._collect_names()
        self._region_frames: dict[tuple[int, int], Frame | None] = {}
        self._resolve_region_frames()

    # -- public -------------------------------------------------------------------------------
    def attribution_for(self, token: Token) -> Attribution:
        """Who asserts the word `token`, through whom, and whether in quoted words."""
        frames = self._frames(token)
        region = self._region_of(token.idx)
        quoted = region is not None and self._is_quotation(region)
        if quoted and region is not None:
            region_frame = self._region_frames.get(region)
            if region_frame is not None and (not frames or frames[0].cue != region_frame.cue):
                frames.insert(0, region_frame)
        return self._combine(frames, quoted)

    def quotes(self, article_id: str, sentences: list[Span]) -> list[Quote]:
        """Every direct quotation (scare quotes left out) and every indirect one, in text order.

        Indirect quotations are the clauses a reporting verb governs ("said that …", "told … that
        …", "was quoted as saying …"), the clause a parenthetical or trailing cue comments on
        ("… , officials said, …") and the clause an "according to X" phrase qualifies.
        """
        found: list[Quote] = []
        for region in self.regions:
            if not self._is_quotation(region):
                continue
            frame = self._region_frames.get(region)
            start, end = region
            text = self.text[start:end].strip(" ,.")
            index = _sentence_index(sentences, start)
            attribution = self._combine([frame] if frame else [], True)
            found.append(
                Quote(
                    article_id=article_id,
                    sentence_index=index,
                    text=text,
                    start=start,
                    end=end,
                    direct=True,
                    speaker=attribution.speaker,
                    cue=attribution.cue,
                    via=attribution.via,
                )
            )
        seen: set[tuple[int, int]] = set()
        anchors = self._indirect_anchors()
        for sentence_index, sentence in enumerate(sentences):
            first_anchor = bisect.bisect_left(anchors, sentence.start)
            last_anchor = bisect.bisect_left(anchors, sentence.end)
            for token in (self.doc[i] for i in anchors[first_anchor:last_anchor]):
                for first, last, frames in self._indirect_contents(token):
                    while first < last and self.doc[first].is_punct:
                        first += 1
                    while last > first and self.doc[last].is_punct:
                        last -= 1
                    span = self.doc[first : last + 1]
                    key = (span.start_char, span.end_char)
                    if not span.text.strip() or key in seen:
                        continue
                    if self._quoted_share(span.start_char, span.end_char) > 0.8:
                        continue  # a direct quotation, listed above
                    seen.add(key)
                    attribution = self._combine(frames, False)
                    found.append(
                        Quote(
                            article_id=article_id,
                            sentence_index=sentence_index,
                            text=span.text,
                            start=span.start_char,
                            end=span.end_char,
                            direct=False,
                            speaker=attribution.speaker,
                            cue=attribution.cue,
                            via=attribution.via,
                        )
                    )
        found.sort(key=lambda quote: quote.start)
        return found

    # -- indirect quotations ------------------------------------------------------------------
    def _indirect_anchors(self) -> list[int]:
        """The indices of the tokens `_indirect_contents` may anchor on ("according", a reporting
        verb), in order: found with one scan of the parse's arrays, not a Token for every word."""
        if not len(self.doc):
            return []
        strings = self.doc.vocab.strings
        lower, pos, lemma = self.doc.to_array([LOWER, POS, LEMMA]).T
        verbs = numpy.flatnonzero(pos == VERB)
        reporting = [
            value for value in set(lemma[verbs].tolist()) if strings[value].lower() in REPORTING_VERBS
        ]
        found = (lower == strings["according"]) | ((pos == VERB) & _equal_any(lemma, reporting))
        return numpy.flatnonzero(found).tolist()

    def _indirect_contents(self, token: Token) -> list[tuple[int, int, list[Frame]]]:
        """Indirect quotations anchored on `token`: (first, last token index, frames)."""
        lemma = token.lemma_.lower()
        found: list[tuple[int, int, list[Frame]]] = []
        if token.lower_ == "according" and token.dep_ == "prep":
            frame = self._according_to(token)
            head = token.head
            if frame is not None and head.pos_ in {"VERB", "AUX"}:
                first, last = _without(head, token)
                outer = [f for f in self._frames(head) if f.cue != "according to"]
                found.append((first, last, [frame, *outer]))
            return found
        if lemma not in REPORTING_VERBS or token.pos_ != "VERB":
            return found
        for content in token.children:
            if (
                content.dep_ == "dobj"
                and lemma in _CLAIM_VERBS
                and content.pos_ == "NOUN"
                and not any(c.dep_ in {"ccomp", "xcomp"} for c in token.children)
            ):
                # "Some reports suggest a deliberate criminal act": the claim is the object.
                found.append((content.left_edge.i, content.right_edge.i, self._frames(content)))
            elif content.dep_ == "ccomp":
                found.append((content.left_edge.i, content.right_edge.i, self._frames(content)))
            elif (
                content.dep_ == "xcomp"
                and lemma in _RAISING_VERBS
                and any(c.dep_ == "dobj" for c in token.children)
            ):
                # "outlets reported Hamza bin Laden to be dead": the object and its complement.
                obj = next(c for c in token.children if c.dep_ == "dobj")
                frames = self._frames(content)
                frame = self._frame_of(token)
                if frame is not None and all(f.cue != frame.cue for f in frames):
                    frames.insert(0, frame)
                found.append((obj.left_edge.i, _clause_end(content), frames))
        # "X happened, officials said, …" and "X happened, officials said": the clause commented on.
        head = token.head
        if (
            token.dep_ in {"parataxis", "advcl"}
            and head.pos_ in {"VERB", "AUX"}
            and head.i != token.i
            and any(child.dep_ in SUBJECT_DEPS for child in token.children)
            and not any(child.dep_ in {"ccomp", "xcomp", "dobj"} for child in token.children)
            and self._region_of(token.idx) is None
        ):
            frame = self._frame_of(token)
            if frame is not None and frame.speaker is not None:
                first, last = _without(head, token)
                outer = [f for f in self._frames(head) if f.cue != frame.cue]
                found.append((first, last, [frame, *outer]))
        return found

    # -- frames -------------------------------------------------------------------------------
    def _frames(self, token: Token) -> list[Frame]:
        """Reporting frames around `token`, nearest first."""
        frames: list[Frame] = []
        current = token
        cues_seen: set[int] = set()
        # Quoted words may hang off any verb that cues a quotation; other words off reporting verbs.
        cue_verbs = QUOTE_CUE_VERBS if self._region_of(token.idx) is not None else REPORTING_VERBS
        for _ in range(30):
            head = current.head
            if head == current:
                break
            if (
                current.dep_ in {"ccomp", "parataxis", "xcomp", "dobj"}
                and head.lemma_.lower() in cue_verbs
                and head.i not in cues_seen
            ):
                frame = self._frame_of(head)
                if frame is not None:
                    frames.append(frame)
                    cues_seen.add(head.i)
            # "according to X" on the clause
            for child in current.children:
                if child.dep_ == "prep" and child.lower_ == "according" and child.i not in cues_seen:
                    frame = self._according_to(child)
                    if frame is not None:
                        frames.append(frame)
                        cues_seen.add(child.i)
            current = head
        root = token.sent.root
        # A reporting clause hanging off the root ("…, the New York Times reported").
        for child in root.children:
            if (
                child.dep_ in {"parataxis", "advcl", "ccomp"}
                and child.lemma_.lower() in REPORTING_VERBS
                and child.i not in cues_seen
                and not (child.left_edge.i <= token.i <= child.right_edge.i)
                and (
                    any(grand.dep_ in SUBJECT_DEPS for grand in child.children)
                    or _noun_before(child) is not None
                )
                and not any(grand.dep_ == "xcomp" for grand in child.children)
                and self._region_of(child.idx) is None
            ):
                frame = self._frame_of(child)
                if frame is not None:
                    frames.append(frame)
                    cues_seen.add(child.i)
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "according" and child.i not in cues_seen:
                frame = self._according_to(child)
                if frame is not None and all(frame.cue != f.cue for f in frames):
                    frames.append(frame)
        return frames

    def _according_to(self, according: Token) -> Frame | None:
        for prep in according.children:
            for pobj in prep.children:
                if pobj.dep_ != "pobj":
                    continue
                relays: list[str] = []
                speaker = self._speaker(pobj)
                cited = self._cited(pobj)
                if cited is not None:
                    if speaker is not None:
                        relays.append(_without_article(speaker.text))
                    speaker = cited
                # "according to the mayor via news agency Interfax"
                for holder in (pobj, according, according.head):
                    for child in holder.children:
                        if child.dep_ == "prep" and child.lower_ == "via":
                            relays += [self._relay_name(p) for p in child.children if p.dep_ == "pobj"]
                return Frame(speaker, "according to", tuple(r for r in relays if r))
        return None

    def _frame_of(self, cue: Token) -> Frame | None:
        """The frame a reporting verb sets up: its speaker and relays."""
        relays: list[str] = []
        speaker_token: Token | None = None
        verb = cue
        # "was quoted by IRNA as saying": the speaker is the subject of "quoted".
        if cue.lemma_.lower() == "say" and cue.dep_ in {"pcomp", "advcl", "xcomp"}:
            outer = cue.head.head if cue.head.dep_ == "prep" else cue.head
            if outer.lemma_.lower() == "quote":
                verb = outer
        for child in verb.children:
            if child.dep_ in SUBJECT_DEPS:
                speaker_token = child
            if child.dep_ == "agent" or (
                child.dep_ in {"dative", "dobj", "prep"} and child.lower_ in {"to", "by"}
            ):
                for pobj in child.children:
                    mention = self.actors.mention_for(pobj)
                    if mention is not None and mention.kind == "outlet":
                        relays.append(_outlet_name(mention))
            if child.dep_ in {"dative", "dobj"}:
                mention = self.actors.mention_for(child)
                if mention is not None and mention.kind == "outlet":
                    relays.append(_outlet_name(mention))
        if speaker_token is None:
            speaker_token = _inverted_subject(verb)
        if speaker_token is None:
            # Conjoined and controlled cues take their subject from the governing verb.
            if verb.dep_ in {"advcl", "parataxis"}:
                speaker_token = _noun_before(verb) or subject_of(verb)
            else:
                speaker_token = subject_of(verb) or _noun_before(verb)
        speaker = self._speaker(speaker_token) if speaker_token is not None else None
        # "the Times reported, citing unidentified officials": the officials speak via the Times.
        cited = self._cited(verb)
        if cited is not None:
            if speaker is not None:
                relays.insert(0, _without_article(speaker.text))
            speaker = cited
        return Frame(speaker, cue.lemma_.lower(), tuple(relays))

    def _cited(self, token: Token) -> Speaker | None:
        """Who a verb or a noun cites ("…, citing officials", "Reports citing sources …")."""
        holders = [token, *(c for c in token.children if c.dep_ in {"xcomp", "ccomp"})]
        for holder in holders:
            for child in holder.children:
                if child.dep_ in {"advcl", "xcomp", "acl", "relcl"} and child.lemma_.lower() in {
                    "cite",
                    "quote",
                }:
                    for obj in child.children:
                        if obj.dep_ == "dobj":
                            return self._speaker(obj)
        return None

    def _relay_name(self, token: Token) -> str:
        mention = self.actors.mention_for(token)
        if mention is not None and mention.kind == "outlet":
            return _outlet_name(mention)
        if token.pos_ == "PROPN":
            return _proper_name(token)
        return ""

    # -- speakers -----------------------------------------------------------------------------
    def _speaker(self, token: Token, depth: int = 0) -> Speaker | None:
        """Who a speaker phrase names, with its source type and anonymity."""
        if depth > 4:
            return None
        lower, lemma = token.lower_, token.lemma_.lower()
        if lower in RELATIVE_PRONOUNS and token.head.dep_ in {"relcl", "acl"}:
            return self._speaker(token.head.head, depth + 1)  # "a statement which said"
        if token.pos_ == "PRON" or lower in PERSON_PRONOUNS | GROUP_PRONOUNS:
            return self._pronoun_speaker(token, depth)
        if lemma in STATEMENT_NOUNS or (lemma in SPOKESPERSON_NOUNS and self._name_of(token) is None):
            author = self._author(token, depth)
            if author is not None:
                return author
        mention = self.actors.mention_for(token)
        if mention is not None and mention.kind == "outlet":
            return Speaker(_outlet_name(mention), mention.code, False, "media")
        code = mention.code if mention is not None else None
        name = self._name_of(token) or (mention.name if mention is not None else None)
        if name is not None:
            name = self._full_name(name)
            kind = _kind(mention) if mention is not None else "named_person"
            return Speaker(name, code, False, "named_person" if kind == "organisation" else kind)
        text = mention.text if mention is not None else _phrase(token)
        if self._is_anonymous(token):
            return Speaker(text, code, True, "anonymous")
        if mention is None:
            return Speaker(text, None, False, "organisation")
        return Speaker(text, code, False, _kind(mention))

    def _is_anonymous(self, token: Token) -> bool:
        """True for an unnamed source: "a source", "officials", "reports", "an unnamed aide"."""
        lemma = token.lemma_.lower()
        modifiers = {child.lower_ for child in token.children}
        sentence = token.sent
        if modifiers & ANONYMOUS_MARKERS or _ANONYMITY_PHRASE.search(
            self.text[sentence.start_char : sentence.end_char]
        ):
            return True
        if lemma == "report":
            return _vague_report(token)
        return lemma in ANONYMOUS_NOUNS and token.pos_ != "PROPN"

    def _author(self, statement: Token, depth: int) -> Speaker | None:
        """The author of a statement noun, or the body a spokesperson speaks for."""
        lemma = statement.lemma_.lower()
        spokes = lemma in SPOKESPERSON_NOUNS
        for child in statement.children:
            if child.dep_ == "prep" and child.lower_ in {"from", "of", "by", "for"}:
                if child.lower_ == "for" and not spokes:
                    continue
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        inner = self._speaker(pobj, depth + 1)
                        if inner is not None:
                            return _as_statement(inner)
            if child.dep_ == "poss":
                inner = self._speaker(child, depth + 1)
                if inner is not None:
                    return _as_statement(inner)
            if child.dep_ == "acl":  # "the warning issued by Met Eireann"
                for agent in child.children:
                    if agent.dep_ == "agent":
                        for pobj in agent.children:
                            inner = self._speaker(pobj, depth + 1) if pobj.dep_ == "pobj" else None
                            if inner is not None:
                                return _as_statement(inner)
        if spokes:
            return None
        # "the agency issued a statement (saying)": the subject of the issuing verb; "X has, in a
        # statement, called on …": the subject of the verb the statement phrase modifies.
        verb = statement.head
        if statement.dep_ == "pobj" and verb.lower_ == "in":
            verb = verb.head
        if (statement.dep_ in {"dobj", "nsubjpass"} and verb.lemma_.lower() in _ISSUING_VERBS) or (
            statement.dep_ == "pobj" and verb.pos_ in {"VERB", "AUX"}
        ):
            subject = subject_of(verb)
            if subject is not None and subject.i != statement.i:
                inner = self._speaker(subject, depth + 1)
                if inner is not None:
                    return _as_statement(inner)
        if depth < 2 and any(child.lower_ in {"the", "this", "that"} for child in statement.children):
            earlier = self._earlier_statement(statement)
            if earlier is not None:
                return self._author(earlier, depth + 1)  # "the warning" issued earlier by someone
        if lemma == "report" and not _vague_report(statement):
            outlet = self._latest_outlet_before(statement.i)
            if outlet is not None:
                return Speaker(_outlet_name(outlet), outlet.code, False, "media")
        return None

    def _earlier_statement(self, statement: Token) -> Token | None:
        """The same statement noun a few sentences earlier ("… issued a warning … the warning")."""
        sentence = self._sentence_number(statement)
        lemma = statement.lemma_.lower()
        index = statement.i - 1
        while index >= 0 and statement.i - index < 400:
            token = self.doc[index]
            if sentence - self._sentence_number(token) > _PRONOUN_SENTENCES:
                break
            if token.lemma_.lower() == lemma and token.pos_ == "NOUN":
                return token
            index -= 1
        return None

    def _pronoun_speaker(self, token: Token, depth: int) -> Speaker | None:
        """The speaker a personal pronoun refers to, resolved within the article."""
        lower = token.lower_
        if lower not in PERSON_PRONOUNS | GROUP_PRONOUNS:
            mention = self.actors.mention_for(token)
            if mention is None:
                return None
            return Speaker(mention.text, mention.code, False, _kind(mention))
        antecedent = self._antecedent(token, person=lower in PERSON_PRONOUNS)
        if antecedent is not None:
            speaker = self._speaker(antecedent, depth + 1)
            if speaker is not None:
                return speaker
        mention = self.actors.mention_for(token)
        if mention is None:
            return None
        text = mention.name or mention.text
        return Speaker(text, mention.code, False, _kind(mention))

    def _antecedent(self, pronoun: Token, person: bool) -> Token | None:
        """The nearest earlier subject of the right kind (a person for he/she), else any person."""
        sentence = self._sentence_number(pronoun)
        position = bisect.bisect_left(self._antecedent_index, pronoun.i)
        fallback: Token | None = None
        plural = pronoun.lower_ in {"they", "them"}
        for candidate in reversed(self._antecedents[max(0, position - 400) : position]):
            if candidate.person != person:
                continue
            if not person and not self._agrees(candidate.token, plural):
                continue
            if candidate.subject and sentence - candidate.sentence <= _PRONOUN_SENTENCES:
                return candidate.token
            if fallback is None and person:
                fallback = candidate.token
        return fallback

    def _agrees(self, token: Token, plural: bool) -> bool:
        """Whether a group noun can be what "they" (plural) or "it" refers to."""
        if token.tag_ in {"NNS", "NNPS"}:
            return plural
        if token.ent_type_ in {"ORG", "NORP"}:
            return True  # "the ministry … it", "the Department … they"
        mention = self.actors.mention_for(token)
        collective = mention is not None and mention.kind in {"organisation", "government", "outlet"}
        return collective or not plural

    def _name_of(self, token: Token) -> str | None:
        """The person's name a speaker phrase carries: the head's, an apposition's or a title's."""
        if token.ent_type_ == "PERSON":
            return _entity_text(token)
        for child in token.children:
            if child.dep_ in {"compound", "flat", "appos", "conj"}:
                for inner in child.subtree:
                    if inner.ent_type_ == "PERSON" and inner.dep_ not in {"compound", "flat"}:
                        return _entity_text(inner)
                    if inner.ent_type_ == "PERSON" and inner.head.ent_type_ != "PERSON":
                        return _entity_text(inner)
            if child.dep_ == "prep" and child.lower_ in {"of", "to", "for", "at", "from"}:
                for pobj in child.children:
                    if pobj.dep_ != "pobj":
                        continue
                    for appos in pobj.children:  # "The mayor of Paris, Anne Hidalgo,"
                        if appos.dep_ == "appos" and appos.ent_type_ == "PERSON":
                            return _entity_text(appos)
                    # "US Ambassador to Germany Richard Grenell": a name after the place.
                    if (
                        pobj.ent_type_ == "PERSON"
                        and pobj.left_edge.i < pobj.i
                        and pobj.left_edge.ent_type_ not in {"PERSON", ""}
                    ):
                        return _entity_text(pobj)
            if child.dep_ == "acl" and child.lemma_.lower() in {"use", "name", "call", "identify"}:
                for inner in child.subtree:
                    if inner.pos_ == "PROPN" and inner.dep_ in {"appos", "oprd", "dobj", "attr"}:
                        return _proper_name(inner)  # "a protester using the pseudonym Katya"
        if token.pos_ == "PROPN" and token.lower_ in self._full_names:
            return token.text  # a surname seen before, not tagged as a person this time
        return None

    def _full_name(self, name: str) -> str:
        """A bare surname expanded to the full name used earlier in the article."""
        if " " in name:
            return name
        return self._full_names.get(name.lower(), name)

    def _collect_names(self) -> None:
        """Full names by surname, and the subjects pronouns may refer to (outside quotations)."""
        for entity in self.doc.ents:
            if entity.label_ != "PERSON":
                continue
            name = _strip_possessive(entity.text)
            words = name.split()
            if len(words) > 1:
                self._full_names.setdefault(words[-1].lower(), name)
        # Only a person's name or a subject can be an antecedent: find those with one scan of the
        # parse's arrays instead of making a Token of every word.
        strings = self.doc.vocab.strings
        candidates = _token_indices(
            self.doc,
            (ENT_TYPE, DEP),
            lambda ent_type, dep: (
                (ent_type == strings["PERSON"]) | _equal_any(dep, [strings[label] for label in SUBJECT_DEPS])
            ),
        )
        for token in (self.doc[i] for i in candidates):
            if token.pos_ == "PRON" or self._region_of(token.idx) is not None:
                continue
            subject = token.dep_ in SUBJECT_DEPS
            is_person = token.ent_type_ == "PERSON" and (
                token.dep_ not in {"compound", "flat"} or token.head.ent_type_ != "PERSON"
            )
            if not is_person and subject:
                is_person = self._name_of(token) is not None
            if is_person or (subject and token.pos_ in {"NOUN", "PROPN"}):
                self._antecedents.append(
                    _Antecedent(token.i, self._sentence_number(token), subject, is_person, token)
                )
        self._antecedent_index = [candidate.index for candidate in self._antecedents]

    def _sentence_number(self, token: Token) -> int:
        """The number of the sentence holding `token` (`token.sent`, without building the span)."""
        return max(0, bisect.bisect_right(self._sentence_starts, token.i) - 1)

    def _latest_outlet_before(self, index: int) -> ActorMention | None:
        latest: ActorMention | None = None
        for mention in self.actors.mentions():
            if mention.start >= self.doc[index].idx:
                break
            if mention.kind == "outlet":
                latest = mention
        return latest

    # -- direct quotations --------------------------------------------------------------------
    def _region_of(self, offset: int) -> tuple[int, int] | None:
        position = bisect.bisect_right(self._region_starts, offset) - 1
        if position >= 0:
            region = self.regions[position]
            if region[0] <= offset < region[1]:
                return region
        return None

    def _quoted_share(self, start: int, end: int) -> float:
        """The share of the characters start..end that lie inside direct quotations."""
        inside = 0
        position = max(0, bisect.bisect_right(self._region_starts, start) - 1)
        while position < len(self.regions) and self.regions[position][0] < end:
            region_start, region_end = self.regions[position]
            inside += max(0, min(end, region_end) - max(start, region_start))
            position += 1
        return inside / max(1, end - start)

    def _is_quotation(self, region: tuple[int, int]) -> bool:
        """A quotation rather than scare quotes: more than two words, or a short utterance set
        off on its own ("No comment," he said) with a speaker."""
        quoted = self.text[region[0] : region[1]]
        words = quoted.split()
        if len(words) > SCARE_QUOTE_MAX_WORDS:
            return True
        before = self.text[max(0, region[0] - 3) : region[0] - 1].rstrip()
        standalone = quoted.rstrip().endswith((",", ".", "!", "?")) or before.endswith(":")
        return standalone and self._region_frames.get(region) is not None and len(words) > 1

    def _resolve_region_frames(self) -> None:
        previous: Frame | None = None
        previous_end = -1
        for region in self.regions:
            frame = self._cue_for_region(region)
            # A quotation with no cue of its own that follows straight on from an attributed one
            # continues it ("… ," the statement said. "As a result, …").
            if (
                frame is None
                and previous is not None
                and _only_joining_text(self.text[previous_end : region[0]])
            ):
                frame = previous
            self._region_frames[region] = frame
            if frame is not None:
                previous, previous_end = frame, region[1]

    def _cue_for_region(self, region: tuple[int, int]) -> Frame | None:
        start, end = region
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        # A cue verb outside the quote in the same sentence(s) as the quote, nearest first.
        first_sentence, last_sentence = span[0].sent, span[-1].sent
        candidates = [
            token
            for token in self.doc[first_sentence.start : last_sentence.end]
            if token.pos_ == "VERB"
            and token.lemma_.lower() in QUOTE_CUE_VERBS
            and self._region_of(token.idx) is None
            and not (start <= token.idx < end)
        ]
        candidates.sort(key=lambda token: start - token.idx if token.idx < start else token.idx - end)
        for cue in candidates:
            frame = self._frame_of(cue)
            if frame is not None and frame.speaker is not None:
                return frame
        frames = self._frames(span.root)
        if frames and frames[0].speaker is not None:
            return frames[0]
        return self._introducing_clause(span)

    def _introducing_clause(self, span: Span) -> Frame | None:
        """A quotation set off by a colon or comma from a clause: its subject speaks.

        "Trump's statement read: "…"", "Graham spoke on Fox News, "…"", "Tilburg disagreed with
        these findings: "…"".
        """
        before = self.text[max(0, span.start_char - 12) : span.start_char].rstrip(' "')
        if not before.endswith((":", ",")) or span.start == 0:
            return None
        token = self.doc[span.start - 1]
        while token.i > span.sent.start and (token.is_punct or token.is_space):
            token = self.doc[token.i - 1]
        current = token
        for _ in range(30):
            if self._region_of(current.idx) is not None:
                return None
            if current.lemma_.lower() in STATEMENT_NOUNS and current.pos_ == "NOUN":
                # "The Department issued a statement that an inmate had been stabbed: "…""
                author = self._author(current, 0)
                if author is not None:
                    return Frame(author, current.head.lemma_.lower(), ())
            if current.pos_ in {"VERB", "AUX"}:
                for child in current.children:  # "issued the following statement from the king:"
                    if child.dep_ == "dobj" and child.lemma_.lower() in STATEMENT_NOUNS:
                        author = self._author(child, 0)
                        if author is not None:
                            return Frame(author, current.lemma_.lower(), ())
                subject = subject_of(current)
                if subject is not None:
                    # A clause wrongly hung off a person's name ("Tilburg of the University of
                    # California, Los Angeles disagreed …"): the person speaks, not the place.
                    if (
                        current.dep_ in {"parataxis", "relcl", "acl"}
                        and current.head.ent_type_ == "PERSON"
                        and subject.ent_type_ in {"GPE", "LOC", "FAC"}
                    ):
                        subject = current.head
                    speaker = self._speaker(subject)
                    return Frame(speaker, current.lemma_.lower(), ()) if speaker is not None else None
            if current.head == current:
                return None
            current = current.head
        return None

    # -- combining ----------------------------------------------------------------------------
    def _combine(self, frames: list[Frame], quoted: bool) -> Attribution:
        if not frames:
            return Attribution(None, None, (), quoted)
        nearest = frames[0]
        via: list[str] = list(nearest.relays)
        for outer in frames[1:]:
            if (
                outer.speaker is not None
                and nearest.speaker is not None
                and (outer.speaker.text == nearest.speaker.text)
            ):
                via.extend(relay for relay in outer.relays if relay not in via)
                continue  # the same speaker seen through a quotation and its cue
            if outer.speaker is not None and outer.speaker.text not in via:
                via.append(outer.speaker.text)
            via.extend(relay for relay in outer.relays if relay not in via)
        speaker = nearest.speaker
        if self.publisher and (speaker is None or speaker.text != self.publisher):
            if self.publisher not in via:
                via.append(self.publisher)
        return Attribution(speaker, nearest.cue, tuple(via), quoted)


def _noun_before(verb: Token) -> Token | None:
    """The noun phrase right before a subjectless cue ("…, the New York Times reported")."""
    if verb.i == 0:
        return None
    token = verb.doc[verb.i - 1]
    if token.pos_ not in {"PROPN", "NOUN"}:
        return None
    while token.dep_ in {"compound", "amod", "det"} and token.head.i > token.i:
        token = token.head
    return token


def _inverted_subject(verb: Token) -> Token | None:
    """The speaker after a cue that follows a quotation ("…," said a protester), parsed as object."""
    if verb.i == 0:
        return None
    previous = verb.doc[verb.i - 1]
    if previous.text != '"' and not (previous.is_punct and verb.i > 1 and verb.doc[verb.i - 2].text == '"'):
        return None
    for child in verb.rights:
        if child.dep_ in {"dobj", "attr", "npadvmod"} and child.pos_ in {"NOUN", "PROPN"}:
            return child
    return None


def _without(head: Token, part: Token) -> tuple[int, int]:
    """First and last token of head's clause with `part`'s phrase cut off when at an edge."""
    first, last = head.left_edge.i, head.right_edge.i
    doc = head.doc
    while last > first and doc[last].is_punct:
        last -= 1
    if part.left_edge.i <= first:
        first = part.right_edge.i + 1
        while first < last and doc[first].is_punct:
            first += 1
    elif part.right_edge.i >= last:
        last = part.left_edge.i - 1
        while last > first and doc[last].is_punct:
            last -= 1
    return first, max(first, last)


def _clause_end(token: Token) -> int:
    """The last token of a clause, without a trailing "citing …" or "saying …" phrase."""
    last = token.right_edge.i
    for child in token.rights:
        if child.dep_ in {"advcl", "xcomp"} and child.lemma_.lower() in {"cite", "quote", "say"}:
            last = min(last, child.left_edge.i - 1)
    return max(token.i, last)


def _vague_report(token: Token) -> bool:
    """True for reports nobody is named for ("reports say", "according to some reports")."""
    for child in token.children:
        if child.dep_ == "poss":
            return False
        if child.dep_ == "prep" and child.lower_ in {"by", "from", "of", "in"}:
            return False
        if child.dep_ == "det" and child.lower_ not in _VAGUE_DETERMINERS:
            return False
    return token.tag_ == "NNS" or any(child.lower_ in _VAGUE_DETERMINERS for child in token.children)


def _as_statement(inner: Speaker) -> Speaker:
    """The speaker of a statement: its author, a person or an organisation's statement."""
    if inner.kind in {"media", "named_official", "named_person", "anonymous"}:
        return inner
    return Speaker(inner.text, inner.code, inner.anonymous, "organisation")


def _entity_text(token: Token) -> str:
    """The text of the named entity `token` is part of."""
    doc = token.doc
    first = token.i
    while first > 0 and doc[first].ent_iob_ == "I":
        first -= 1
    last = token.i
    while last + 1 < len(doc) and doc[last + 1].ent_iob_ == "I":
        last += 1
    return _strip_possessive(doc[first : last + 1].text)


def _proper_name(token: Token) -> str:
    """A proper noun with its compound modifiers ("Hurriyet Daily News")."""
    first = token.i
    doc = token.doc
    while first > 0 and doc[first - 1].dep_ in {"compound", "flat"} and doc[first - 1].head.i >= token.i:
        first -= 1
    return _strip_possessive(doc[first : token.i + 1].text)


def _strip_possessive(text: str) -> str:
    return re.sub(r"\s*'s?$", "", text.strip())


def _phrase(token: Token) -> str:
    """The noun phrase of a speaker head, without relative clauses and trailing punctuation."""
    leave_out: set[int] = set()
    for child in token.children:
        if child.dep_ in {"relcl", "acl", "advcl", "punct", "cc"} or (
            child.dep_ == "appos" and child.i > token.i
        ):
            leave_out.update(inner.i for inner in child.subtree)
    kept = [inner.i for inner in token.subtree if inner.i not in leave_out]
    first, last = min(kept), max(kept)
    return token.doc[first : last + 1].text.strip(" ,")


def _only_joining_text(text: str) -> bool:
    """True when the text between two quotations is a short cue or nothing at all."""
    return len(text.split()) <= 12


def _without_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _outlet_name(mention: ActorMention) -> str:
    return _without_article(mention.text)


def _kind(mention: ActorMention) -> str:
    if mention.kind == "outlet":
        return "media"
    if mention.kind == "person" or mention.name:
        return (
            "named_official" if mention.role in {"GOV", "MIL", "LEG", "JUD", "COP", "SPY"} else "named_person"
        )
    return "organisation"


def _sentence_index(sentences: list[Span], offset: int) -> int:
    starts = [sentence.start_char for sentence in sentences]
    position = bisect.bisect_right(starts, offset) - 1
    if position >= 0 and offset < sentences[position].end_char:
        return position
    return 0


def _token_indices(doc: Doc, attributes: tuple[int, ...], test: Callable[..., numpy.ndarray]) -> list[int]:
    """The indices, in order, of the tokens whose attribute columns (`Doc.to_array`, one argument
    of `test` each) pass `test`."""
    if not len(doc):
        return []
    columns = doc.to_array(list(attributes))
    return [int(i) for i in numpy.flatnonzero(test(*columns.T))]


def _equal_any(column: numpy.ndarray, values: Iterable[int]) -> numpy.ndarray:
    """Where `column` holds one of `values`."""
    found = numpy.zeros(len(column), dtype=bool)
    for value in values:
        found |= column == value
    return found
