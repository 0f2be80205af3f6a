"""The attribution stage: quotes, speakers, cue verbs and chains of relaying sources.

For any word of an article this stage answers "according to whom?": it walks up the dependency
parse from the word through every reporting frame that embeds it ("X said that …", "… , X told
the Guardian", "X was quoted by IRNA as saying …", "according to X", "the Times reported, citing
officials") and through direct quotations (which may run over several sentences), and returns the
nearest speaker with the chain of relays between that speaker and the publishing outlet.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from tocsin.actors import DocumentActors
from tocsin.syntax import subject_of
from tocsin.types import ActorMention, Attribution, Quote, Speaker

LOGGER = logging.getLogger(__name__)

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
# Nouns that stand for a statement rather than a speaker: the speaker is their "from/of/by" object.
STATEMENT_NOUNS = {
    "statement",
    "report",
    "communique",
    "announcement",
    "release",
    "letter",
    "post",
    "tweet",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "source",
    "sources",
    "official",
    "officials",
}
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
}
ANONYMOUS_MARKERS = {"unidentified", "unnamed", "anonymous", "undisclosed"}
_ANONYMITY_PHRASE = re.compile(
    r"condition of anonymity|not authori[sz]ed to (speak|talk)|declined to be named", re.I
)
_QUOTE_CHAR = '"'
SCARE_QUOTE_MAX_WORDS = 2


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character spans of the text inside paired straight double quotes, paragraph by paragraph.

    Pairs are matched left to right within a paragraph; an unmatched quotation mark is ignored,
    so unbalanced input never swallows the rest of an article. Runs in linear time.
    """
    regions: list[tuple[int, int]] = []
    position = 0
    for paragraph in text.split("\n"):
        opening: int | None = None
        for offset, character in enumerate(paragraph):
            if character != _QUOTE_CHAR:
                continue
            if opening is None:
                opening = position + offset + 1
            else:
                regions.append((opening, position + offset))
                opening = None
        position += len(paragraph) + 1
    return regions


@dataclass(frozen=True, slots=True)
class Frame:
    """One reporting layer: who said it, with which cue, through which relays."""

    speaker: Speaker | None
    cue: str
    relays: tuple[str, ...]


class ArticleAttribution:
    """Attribution for the words of one parsed article."""

    def __init__(self, doc: Doc, actors: DocumentActors, publisher: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token: compute it once
        self.actors = actors
        self.publisher = publisher
        self.regions = quote_regions(doc.text)
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
        """Every direct quotation (scare quotes left out) and every indirect one, in text order."""
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
        for sentence_index, sentence in enumerate(sentences):
            for token in sentence:
                if token.lemma_.lower() not in REPORTING_VERBS or token.pos_ != "VERB":
                    continue
                for content in token.children:
                    if content.dep_ != "ccomp":
                        continue
                    span = self.doc[content.left_edge.i : content.right_edge.i + 1]
                    if self._quoted_share(span.start_char, span.end_char) > 0.8:
                        continue  # a direct quotation, listed above
                    attribution = self._combine(self._frames(content), False)
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

    # -- frames -------------------------------------------------------------------------------
    def _frames(self, token: Token) -> list[Frame]:
        """Reporting frames around `token`, nearest first."""
        frames: list[Frame] = []
        current = token
        cues_seen: set[int] = set()
        for _ in range(30):
            head = current.head
            if head == current:
                break
            if (
                current.dep_ in {"ccomp", "parataxis", "xcomp", "dobj", "advcl", "conj"}
                and head.lemma_.lower() in REPORTING_VERBS
                and head.i not in cues_seen
                and not (current.dep_ == "conj" or current.dep_ == "advcl")
            ):
                frame = self._frame_of(head)
                if frame is not None:
                    frames.append(frame)
                    cues_seen.add(head.i)
            # "according to X" on the clause
            for child in current.children:
                if child.dep_ == "prep" and child.lower_ == "according":
                    frame = self._according_to(child)
                    if frame is not None and id(frame) not in cues_seen:
                        frames.append(frame)
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
                    any(grand.dep_ in {"nsubj", "nsubjpass"} for grand in child.children)
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
            if child.dep_ == "prep" and child.lower_ == "according":
                frame = self._according_to(child)
                if frame is not None and all(frame.cue != f.cue for f in frames):
                    frames.append(frame)
        return frames

    def _according_to(self, according: Token) -> Frame | None:
        for prep in according.children:
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    return Frame(self._speaker(pobj), "according to", ())
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
            if child.dep_ in {"nsubj", "nsubjpass"}:
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
            # Conjoined and controlled cues take their subject from the governing verb.
            if verb.dep_ in {"advcl", "parataxis"}:
                speaker_token = _noun_before(verb) or subject_of(verb)
            else:
                speaker_token = subject_of(verb) or _noun_before(verb)
        speaker = self._speaker(speaker_token) if speaker_token is not None else None
        # "the Times reported, citing unidentified officials": the officials speak via the Times.
        for child in verb.children:
            if child.dep_ in {"advcl", "xcomp"} and child.lemma_.lower() in {"cite", "quote"}:
                for obj in child.children:
                    if obj.dep_ == "dobj":
                        cited = self._speaker(obj)
                        if speaker is not None:
                            relays.insert(0, _without_article(speaker.text))
                        speaker = cited
        return Frame(speaker, cue.lemma_.lower(), tuple(relays))

    def _speaker(self, token: Token) -> Speaker | None:
        """Who a speaker phrase names, with its source type and anonymity."""
        if token.lemma_.lower() in STATEMENT_NOUNS - ANONYMOUS_NOUNS - {"sources", "officials"}:
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ in {"from", "of", "by"}:
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            inner = self._speaker(pobj)
                            if inner is not None:
                                kind = "organisation" if inner.kind != "media" else inner.kind
                                return Speaker(inner.text, inner.code, inner.anonymous, kind)
            if token.lemma_.lower() == "report":
                outlet = self._latest_outlet_before(token.i)
                if outlet is not None:
                    return Speaker(_outlet_name(outlet), outlet.code, False, "media")
        mention = self.actors.mention_for(token)
        phrase = self.doc[token.left_edge.i : token.right_edge.i + 1]
        text = mention.text if mention is not None else _trim(phrase)
        code = mention.code if mention is not None else None
        if mention is not None and mention.kind == "outlet":
            return Speaker(_outlet_name(mention), code, False, "media")
        lemma = token.lemma_.lower()
        named = mention is not None and mention.name is not None
        modifiers = {child.lower_ for child in token.children}
        if token.pos_ == "PRON" and mention is not None:
            return Speaker(mention.text, code, False, _kind(mention))
        anonymous = not named and (
            lemma in ANONYMOUS_NOUNS
            or bool(modifiers & ANONYMOUS_MARKERS)
            or bool(_ANONYMITY_PHRASE.search(token.sent.text))
        )
        if anonymous:
            return Speaker(text, code, True, "anonymous")
        if mention is None:
            return Speaker(
                text, None, False, "named_person" if token.ent_type_ == "PERSON" else "organisation"
            )
        return Speaker(text, code, False, _kind(mention))

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
        for region in self.regions:
            if region[0] <= offset < region[1]:
                return region
            if region[0] > offset:
                break
        return None

    def _quoted_share(self, start: int, end: int) -> float:
        """The share of the characters start..end that lie inside direct quotations."""
        inside = sum(
            max(0, min(end, region_end) - max(start, region_start))
            for region_start, region_end in self.regions
            if region_start < end and region_end > start
        )
        return inside / max(1, end - start)

    def _is_quotation(self, region: tuple[int, int]) -> bool:
        words = self.text[region[0] : region[1]].split()
        if len(words) > SCARE_QUOTE_MAX_WORDS:
            return True
        return self._region_frames.get(region) is not None and len(words) > 1

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
        inside = {token.i for token in span}
        # A reporting verb outside the quote in the same sentence(s) as the quote.
        first_sentence, last_sentence = span[0].sent, span[-1].sent
        candidates = [
            token
            for token in self.doc[first_sentence.start : last_sentence.end]
            if token.i not in inside and token.pos_ == "VERB" and token.lemma_.lower() in REPORTING_VERBS
        ]
        for cue in candidates:
            frame = self._frame_of(cue)
            if frame is not None and frame.speaker is not None:
                return frame
        frames = self._frames(span.root)
        return frames[0] if frames else None

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


def _only_joining_text(text: str) -> bool:
    """True when the text between two quotations is a short cue or nothing at all."""
    return len(text.split()) <= 12


def _without_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _outlet_name(mention: ActorMention) -> str:
    return _without_article(mention.text)


def _trim(span: Span) -> str:
    return span.text.strip(" ,")


def _kind(mention: ActorMention) -> str:
    if mention.kind == "outlet":
        return "media"
    if mention.kind == "person" or mention.name:
        return (
            "named_official" if mention.role in {"GOV", "MIL", "LEG", "JUD", "COP", "SPY"} else "named_person"
        )
    return "organisation"


def _sentence_index(sentences: list[Span], offset: int) -> int:
    for index, sentence in enumerate(sentences):
        if sentence.start_char <= offset < sentence.end_char:
            return index
    return 0
