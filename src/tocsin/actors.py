"""The actors stage: noun phrases coded to CAMEO actor codes (country + role), with the reason.

A phrase's code comes from, in order: an organisation entry covering its head ("Quds Force",
"Central Command"); else a country (name, alias, demonym, possessive; a capital alone stands for
the government) combined with the role of its head noun or title ("Defense Minister" → GOV,
"militias" → UAF); "leader of X" and "X, Y" appositions take X's code; people keep the code their
title or apposition gave them for later mentions in the article (surname or pronoun).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Protocol

from spacy.tokens import Doc, Span, Token

from tocsin.geo import REGION_NOUNS, lookup_name
from tocsin.lexicon import (
    ROLE_CODES,
    LexiconEntry,
    PeopleDirectory,
    PhraseTable,
    country_table,
    normalise_word,
    organisation_table,
    people_directory,
    person_key,
    role_table,
)
from tocsin.parse import text_of
from tocsin.syntax import SUBJECT_DEPS, children_with, subject_of
from tocsin.types import ActorMention, KnownPerson

LOGGER = logging.getLogger(__name__)

# Longest noun phrase considered, in tokens; longer ones come from runaway parses of odd text.
MAX_PHRASE_TOKENS = 30
# How deep one phrase's code may depend on other phrases ("leader of X", appositions, pronouns).
MAX_NESTING = 8
# Dependents that belong to a noun phrase's own description ("Iran's", "British", "US President").
_MODIFIER_DEPS = {"compound", "amod", "poss", "nmod", "det", "nummod", "quantmod", "case", "punct"}
# Entity types of amounts and times, which never name an actor ("the past two years").
NUMERIC_ENTITIES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Heads that take their code from an "of" complement ("leader of Iran's Quds Force").
_OF_HEADS = {
    "manager",
    "editor",
    "chairman",
    "chairwoman",
    "chair",
    "founder",
    "owner",
    "executive",
    "staff",
    # quantities of people: "thousands of Iraqi Kurds", "two of the soldiers"
    "thousand",
    "hundred",
    "dozen",
    "million",
    "score",
    "number",
    "crowd",
    "majority",
    "one",
    "two",
    "three",
    "some",
    "many",
    "several",
    "leader",
    "head",
    "chief",
    "commander",
    "member",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "minister",
    "president",
    "director",
    "secretary",
    "official",
    "representative",
    "envoy",
    "ambassador",
    "delegation",
    "army",
    "government",
    "forces",
    "force",
    "troops",
    "militia",
    "group",
    "statement",
    "ministry",
    "department",
    "office",
    "embassy",
}
# Role nouns so general that a more specific role modifying them wins ("rebel leaders" → REB).
GENERIC_ROLE_HEADS = {"leader", "official", "member", "spokesman", "spokeswoman", "spokesperson", "chief"}
GENERIC_ROLE_HEADS |= {"head", "commander", "representative", "delegation", "envoy", "figure", "source"}
# Nouns for one side of a relation: a possessor names the other side ("Israel's militia ally in
# southern Lebanon" is no Israeli; "Iran's proxies"), and a role word modifying them is their own.
RELATION_NOUNS = {
    "ally",
    "proxy",
    "partner",
    "client",
    "enemy",
    "foe",
    "rival",
    "adversary",
    "opponent",
    "neighbour",
    "neighbor",
}
# Nouns for people that take a role from a modifier ("government employees", "army officers").
PEOPLE_NOUNS = {
    "employee",
    "staff",
    "staffer",
    "worker",
    "member",
    "personnel",
    "officer",
    "representative",
    "delegate",
    "delegation",
    "source",
    "aide",
    "adviser",
    "advisor",
    "figure",
    "leader",
    "chief",
    "head",
    "people",
    "team",
    "unit",
    "contractor",
    "veteran",
    "recruit",
    "candidate",
}
# Heads that take a role from a role word modifying them: people, and one side of a relation.
ROLE_TAKING_HEADS = PEOPLE_NOUNS | RELATION_NOUNS
# Roles that belong to one country: a bare "the President" or "police" is the article's own.
DOMESTIC_ROLES = ROLE_CODES - {"IGO", "NGO", "NGM", "IMG", "MNC", "INT", "UIS", "PKO"}
# The shortest word read as a misspelt country name ("Quatar"); shorter ones are too often
# other words one letter away ("Iraq"/"Iran", "Mali"/"Bali").
MIN_MISSPELT_LENGTH = 6
# The shortest word read as a misspelt role word ("Commision"); role words are common nouns, so
# shorter proper nouns one letter from one ("Armey", "Courts") are more often names.
MIN_MISSPELT_ROLE_LENGTH = 8
# What the rule of a people named by a plural says ("Palestinians", "Iraqi Kurds": civilians).
PEOPLE_RULE = "are civilians"
# Words that make a newspaper or broadcaster the government's own.
STATE_MEDIA_WORDS = {"official", "state", "state-run", "state-owned", "government-run", "government"}
# Offices one can leave; "former" before them makes an elite (ELI), as CAMEO codes former officials.
OFFICE_ROLES = {"GOV", "LEG", "JUD", "MIL", "COP", "SPY"}
FORMER_WORDS = {"former", "erstwhile", "onetime", "one-time"}
# Verbs whose object (or passive subject) a court has found guilty: that person is a criminal (CRM).
CONVICTION_LEMMAS = {"convict", "sentence", "imprison", "jail"}
# How much likelier (in log10 of population, about) a place name's best candidate must be than
# one in another country for a role placed there to take its country.
PLACE_MARGIN = 1.0
# "it is willing to withdraw": an actor, unlike "it is unusual to withdraw".
AGENTIVE_ADJECTIVES = {
    "willing",
    "unwilling",
    "ready",
    "prepared",
    "determined",
    "committed",
    "eager",
    "able",
}
PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers"}
# Indefinite pronouns for people, coded like nouns ("banning anyone wearing a niqab": civilians).
INDEFINITE_PEOPLE = {"anyone", "anybody", "everyone", "everybody", "someone", "somebody"}
GROUP_PRONOUNS = {"they", "them", "their", "theirs"}
THING_PRONOUNS = {"it", "its"}
# The rule text of a capital named for its government ("Tehran said").
CAPITAL_RULE = "stands for the government"


class ActorDictionary(Protocol):
    """A loaded actor dictionary (PETRARCH/TABARI actors and agents, for instance)."""

    def code_phrase(self, tokens: Sequence[Token], head: Token, day: date | None) -> tuple[str, str] | None:
        """The full CAMEO code of the noun phrase `tokens` (headed by `head`) valid on `day`,
        with a short reason naming the entry; None when the dictionary does not know it."""
        ...


@dataclass(slots=True)
class ActorCoder:
    """Codes noun phrases with the built-in lexicons plus any user tables (which take precedence).

    `dictionaries` (loaded PETRARCH/TABARI-style actor dictionaries) are consulted first of all.
    """

    countries: PhraseTable = field(default_factory=country_table)
    roles: PhraseTable = field(default_factory=role_table)
    organisations: PhraseTable = field(default_factory=organisation_table)
    user_tables: tuple[PhraseTable, ...] = ()
    dictionaries: tuple[ActorDictionary, ...] = ()
    known_people: Mapping[str, KnownPerson] = field(default_factory=dict)  # lower-case full name
    # well-known people with dated codes, users' tables first, then the built-in directory
    people: tuple[PeopleDirectory, ...] = field(default_factory=lambda: (people_directory(),))

    def organisation_tables(self) -> tuple[PhraseTable, ...]:
        """The organisation tables, user tables first."""
        return (*self.user_tables, self.organisations)


def _scan(table: PhraseTable, tokens: list[Token]) -> list[tuple[int, int, LexiconEntry]]:
    """Longest-match scan of `tokens`; returns (first token index, end index, entry) triples."""
    words = [token.text for token in tokens]
    found: list[tuple[int, int, LexiconEntry]] = []
    position = 0
    while position < len(words):
        match = table.match(words, position)
        if match is None:
            position += 1
            continue
        end, entry = match
        found.append((position, end, entry))
        position = end
    return found


def _phrase_tokens(head: Token) -> list[Token]:
    """The head with its own modifiers and an apposition, in text order."""
    chosen = {head}
    for child in head.lefts:
        if child.dep_ in _MODIFIER_DEPS:
            chosen.update(child.subtree)
    for child in head.rights:
        if child.dep_ == "amod" and child.i == head.i + 1:
            chosen.add(child)  # "attorneys general"
        if child.dep_ in {"compound", "flat", "appos", "nmod", "case"}:
            if child.right_edge.i - child.left_edge.i < MAX_PHRASE_TOKENS:
                chosen.update(child.subtree)
    if len(chosen) > MAX_PHRASE_TOKENS:  # a runaway parse: keep the words nearest the head
        chosen = {token for token in chosen if abs(token.i - head.i) < MAX_PHRASE_TOKENS // 2}
    return sorted(chosen, key=lambda token: token.i)


def _person_name(tokens: Iterable[Token]) -> str | None:
    """The PERSON-entity words in `tokens` joined in text order, if any."""
    names = [token.text for token in sorted(set(tokens), key=lambda t: t.i) if token.ent_type_ == "PERSON"]
    return " ".join(names) if names else None


class DocumentActors:
    """Actor coding for one parsed document, with its in-document memory of people and pronouns."""

    def __init__(
        self, doc: Doc, coder: ActorCoder | None = None, day: date | None = None, *, text: str | None = None
    ) -> None:
        self.doc = doc
        self.day = day  # the article's date, for dictionaries whose codes change over time
        self.text = text_of(doc, text)  # `text`: the string the document was parsed from, if known
        self.coder = coder or ActorCoder()
        self.people: dict[str, tuple[str | None, str | None, str]] = {}
        self.named: set[str] = set()  # surnames of every person named so far, coded or not
        self.codes: dict[str, str] = {}  # organisation names coded earlier, to their full code
        # full names coded in this article from their own title or apposition:
        # lower-case name → (name, code, country, role, evidence)
        self.learned: dict[str, tuple[str, str, str | None, str | None, str]] = {}
        self._cache: dict[int, ActorMention | None] = {}
        self._tables = (
            *self.coder.organisation_tables(),
            self.coder.countries,
            self.coder.roles,
        )
        self._depth = 0
        self._person_entities: dict[int, str] | None = None  # token index → its PERSON entity
        # sentence start → (first token, last token, country) of each country word in it
        self._sentence_countries: dict[int, list[tuple[int, int, str]]] = {}
        self._ordered: list[tuple[int, ActorMention]] = []
        self.home: tuple[str, str] | None = None  # (country, why) once all phrases are coded
        self._code_all_noun_phrases()
        self.home = self._home_country()
        if self.home is not None:
            self._ordered = [(index, self._in_context(mention)) for index, mention in self._ordered]

    # -- public -------------------------------------------------------------------------------
    def mentions(self) -> list[ActorMention]:
        """Every coded actor mention in the document, in text order."""
        seen: set[tuple[int, int]] = set()
        result: list[ActorMention] = []
        for _, mention in self._ordered:
            if mention.code and (mention.start, mention.end) not in seen:
                seen.add((mention.start, mention.end))
                result.append(mention)
        return result

    def learned_people(self, article_id: str, day: date | None) -> list[KnownPerson]:
        """The named people this article coded from their own title or apposition."""
        return [
            KnownPerson(name, code, country, role, evidence, article_id, day)
            for name, code, country, role, evidence in self.learned.values()
        ]

    def mention_for(self, token: Token) -> ActorMention | None:
        """The actor mention whose head is `token` (a pronoun is resolved to what it refers to).

        A domestic role or a named person with no country of its own ("the President", "police",
        "Paul Manafort") takes the article's home country, and says so in its rule.
        """
        mention = self._raw_mention_for(token)
        return self._in_context(mention) if mention is not None and self.home else mention

    def _raw_mention_for(self, token: Token) -> ActorMention | None:
        if token.i in self._cache:
            return self._cache[token.i]
        if self._depth >= MAX_NESTING:
            return None  # a chain of appositions or complements from a runaway parse
        self._cache[token.i] = None  # in progress: a cycle through pronouns resolves to nothing
        self._depth += 1
        try:
            if token.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS or (
                token.pos_ == "PRON" and token.lower_ not in INDEFINITE_PEOPLE
            ):
                mention = self._resolve_pronoun(token)
            else:
                mention = self._code_head(token)
        finally:
            self._depth -= 1
        self._cache[token.i] = mention
        return mention

    # -- internals ----------------------------------------------------------------------------
    def countries_named(self, sentence: Span, outside: Token | None = None) -> frozenset[str]:
        """The countries a sentence names by name, demonym, adjective or capital (by the country
        table alone: no actor coding), leaving out the words of `outside` and its modifiers before
        it if given (what follows it, "Tripoli, the north Lebanese port", is context)."""
        found = self._country_words(sentence)
        if outside is None:
            return frozenset(code for _, _, code in found)
        left, right = outside.left_edge.i, outside.i
        return frozenset(code for first, last, code in found if last < left or first > right)

    def _country_words(self, sentence: Span) -> list[tuple[int, int, str]]:
        """(first token, last token, country) of each country word in a sentence, scanned once."""
        found = self._sentence_countries.get(sentence.start)
        if found is None:
            tokens = list(sentence)
            found = self._sentence_countries[sentence.start] = [
                (tokens[first].i, tokens[last - 1].i, entry.code)
                for first, last, entry in _scan(self.coder.countries, tokens)
            ]
        return found

    def _shared_role(self, head: Token) -> ActorMention | None:
        """For a nationality word the parser made a noun, coordinated with a role noun that has a
        nationality of its own ("Sierra Leonean and Liberian refugees"): that noun's mention."""
        for conjunct in head.children:
            if conjunct.dep_ != "conj" or conjunct.i < head.i or conjunct.pos_ != "NOUN":
                continue
            if not any(c.dep_ in {"amod", "compound"} and c.i < conjunct.i for c in conjunct.children):
                continue
            mention = self.mention_for(conjunct)
            if mention is not None and mention.role and mention.country and mention.country != mention.code:
                return mention
        return None

    def _other_country_nearby(self, head: Token, own: str) -> str | None:
        """The country named nearest to a phrase in its sentence, outside it, other than `own`."""
        left, right = head.left_edge.i, head.right_edge.i
        others = [
            (min(abs(first - head.i), abs(last - head.i)), code)
            for first, last, code in self._country_words(head.sent)
            if code != own and (last < left or first > right)
        ]
        return min(others)[1] if others else None

    def _home_country(self) -> tuple[str, str] | None:
        """The country most mentioned in the article (outlets aside), earliest first on a tie."""
        counts: dict[str, int] = {}
        for _, mention in self._ordered:
            if mention.country and mention.kind != "outlet" and len(mention.country) == 3:
                counts[mention.country] = counts.get(mention.country, 0) + 1
        if not counts:
            return None
        best = max(counts, key=lambda country: counts[country])  # dicts keep first-seen order
        total = sum(counts.values())
        return best, f"country from the article's context ({best}: {counts[best]} of {total} mentions)"

    def _in_context(self, mention: ActorMention) -> ActorMention:
        """A copy of a countryless domestic role or named person with the home country added."""
        if self.home is None or mention.country is not None:
            return mention
        country, why = self.home
        if mention.code and mention.role in DOMESTIC_ROLES and mention.code == mention.role:
            code = country + mention.code
        elif mention.code is None and mention.kind == "person" and mention.name:
            code = country
        else:
            return mention
        rule = f"{mention.rule}; {why}" if mention.rule else why
        return dataclasses.replace(mention, code=code, country=country, rule=rule)

    def _code_all_noun_phrases(self) -> None:
        heads: list[Token] = []
        for chunk in self.doc.noun_chunks:
            heads.append(chunk.root)
        for token in self.doc:
            if token.pos_ == "PROPN" and token.dep_ not in {"compound", "flat"}:
                heads.append(token)
        for head in sorted(set(heads), key=lambda token: token.i):
            mention = self.mention_for(head)
            if mention is not None and mention.code:
                self._ordered.append((head.i, mention))

    def _resolve_pronoun(self, token: Token) -> ActorMention | None:
        lower = token.lower_
        agentive = any(
            child.dep_ == "acomp" and child.lemma_.lower() in AGENTIVE_ADJECTIVES
            for child in token.head.children
        )
        if token.dep_ == "expl" or (
            lower in THING_PRONOUNS and token.dep_ == "nsubj" and token.head.lemma_ == "be" and not agentive
        ):
            return None  # "it is not unusual", "it wasn't quite a call to arms"
        bound = self._bound_possessive(token)
        if bound is not None:
            return bound
        if lower in PERSON_PRONOUNS:
            wanted = {"person"}
        elif lower in GROUP_PRONOUNS:
            wanted = {"group", "country", "government", "organisation", "person_group"}
        elif lower in THING_PRONOUNS:
            wanted = {"country", "government", "organisation"}
        else:
            return None
        # Prefer a subject of the same sentence; for a pronoun that is itself a subject, the
        # subject of the previous sentence; then the nearest mention that is not a mere modifier
        # ("Hong Kong's" in "Hong Kong's police complex"); then the nearest of all.
        sentence_start = token.sent.start
        previous_start = self._sentence_start_before(sentence_start)
        before = ((i, m) for i, m in reversed(self._ordered) if i < token.i and m.kind in wanted)
        nearest: ActorMention | None = None
        not_modifier: ActorMention | None = None
        subject: ActorMention | None = None
        earlier_subject: ActorMention | None = None  # the subject of the previous sentence
        for index, candidate in before:
            if index < previous_start:
                nearest = nearest or candidate  # nothing nearer: the nearest before
                break
            dep = self.doc[index].dep_
            nearest = nearest or candidate
            if dep in SUBJECT_DEPS:
                if index >= sentence_start:
                    subject = candidate
                    break
                earlier_subject = candidate  # keep going back: the main clause's subject comes first
            if not_modifier is None and dep not in {"poss", "compound"}:
                not_modifier = candidate
        if subject is None and token.dep_ in SUBJECT_DEPS:
            subject = earlier_subject
        chosen = subject or not_modifier or nearest
        if chosen is None:
            return None
        return _referring(token, chosen, f"pronoun '{token.text}' -> '{chosen.text}'")

    def _sentence_start_before(self, start: int) -> int:
        """The first token of the sentence before the one starting at token `start` (0 if none)."""
        if start == 0:
            return 0
        return self.doc[start - 1].sent.start

    def _bound_possessive(self, token: Token) -> ActorMention | None:
        """A possessive bound by the subject of its clause ("Iran mobilised its/their allies")."""
        if token.dep_ != "poss":
            return None
        noun = token.head
        verb = noun.head
        if noun.dep_ not in {"dobj", "pobj", "attr"} or verb.pos_ not in {"VERB", "ADP"}:
            return None
        if verb.pos_ == "ADP":
            verb = verb.head
        subject = subject_of(verb)
        if subject is None or subject.i == token.i or subject.pos_ == "PRON":
            return None
        mention = self.mention_for(subject)
        if mention is None or not mention.code:
            return None
        is_person = mention.kind == "person"
        if (token.lower_ in PERSON_PRONOUNS) != is_person:
            return None
        return _referring(token, mention, f"possessive '{token.text}' bound by the subject '{mention.text}'")

    def _code_head(self, head: Token) -> ActorMention | None:
        tokens = _phrase_tokens(head)
        description = [t for t in tokens if t == head or (t.dep_ != "appos" and not _inside_appos(t, head))]
        appos_tokens = [t for t in tokens if t not in description]
        start = tokens[0].idx
        end = tokens[-1].idx + len(tokens[-1].text)
        following = tokens[-1].i + 1
        if following < len(self.doc) and self.doc[following].text == ")":
            if self.text.count("(", start, end) > self.text.count(")", start, end):
                end = self.doc[following].idx + 1  # close "(CENTCOM"
        text = self.text[start:end]
        if self._cannot_be_an_actor(head, description):
            return None
        # the words that may give the phrase its own organisation or country
        own = _without_possessor(description, head) if head.lemma_.lower() in RELATION_NOUNS else description

        country: str | None = None
        role: str | None = None
        code: str | None = None
        kind = "unknown"
        reasons: list[str] = []

        # 0. A loaded dictionary that knows the phrase.
        for dictionary in self.coder.dictionaries:
            found = dictionary.code_phrase(description, head, self.day)
            if found is not None:
                code, reason = found
                country, role = split_code(code)
                name = _person_name([head, *description])
                if name:
                    self._learn(name, country, role, text)
                kind = "person" if name else ("country" if role is None else "organisation")
                return ActorMention(text, start, end, code, country, role, kind, reason, name)

        # 1. An organisation entry that covers the head, or a modifier of it.
        for table in self.coder.organisation_tables():
            for first, last, entry in _scan(table, own):
                covered = own[first:last]
                if head in covered or any(_modifies(t, head) for t in covered):
                    code = entry.code
                    country = entry.country
                    role = entry.role
                    kind = "outlet" if entry.kind == "outlet" else "organisation"
                    reasons.append(f"organisation '{entry.phrase}' ({entry.origin})")
                    break
            if code:
                break

        in_name: set[Token] = set()  # words of a country's name ("People's" in the DPRK's)

        # 2. Countries among the modifiers (or the head itself), or a name with "of" ("the
        # Democratic People's Republic of Korea").
        if code is None:
            for prep in head.rights:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    extended = [
                        *description,
                        prep,
                        *[t for c in prep.children if c.dep_ == "pobj" for t in c.subtree],
                    ]
                    for first, last, entry in _scan(self.coder.countries, extended):
                        if head in extended[first:last] and prep in extended[first:last]:
                            country, kind = entry.code, "country"
                            in_name.update(extended[first:last])
                            reasons.append(f"country '{entry.phrase}' ({entry.origin})")
                            break
                    break
        if code is None and country is None:
            for first, last, entry in _scan(self.coder.countries, own):
                covered = own[first:last]
                country = entry.code
                if len(covered) > 1:
                    in_name.update(covered)  # "the People's Republic of China" has no people role
                if head in covered:
                    if entry.kind == "capital":
                        role, kind = "GOV", "government"
                        reasons.append(f"capital '{entry.phrase}' {CAPITAL_RULE}")
                    elif entry.kind == "demonym" and head.tag_ in {"NNPS", "NNS"}:
                        # "Palestinians", "Young Algerians": a people named by its demonym are its
                        # civilians, as the PLOVER gold codes them (PSECVL)
                        kind, role = "group", "CVL"
                        reasons.append(f"people '{entry.phrase}' {PEOPLE_RULE}")
                    else:
                        kind = "country"
                        reasons.append(f"country '{entry.phrase}' ({entry.origin})")
                        shared = self._shared_role(head) if entry.kind == "demonym" else None
                        if shared is not None:
                            # "Sierra Leonean and Liberian refugees": both words modify "refugees"
                            kind, role = "group", shared.role
                            reasons.append(f"with '{shared.text}' (coordinated)")
                else:
                    reasons.append(f"country from '{entry.phrase}' ({entry.origin})")
                    if (
                        head.tag_ == "NNPS"
                        and head.ent_type_ not in {"ORG", "FAC", "GPE", "LOC"}
                        and not any(table.can_start(head.text) for table in self.coder.organisation_tables())
                    ):
                        # "Iraqi Kurds", "Bosnian Serbs": a people of a country are its civilians
                        kind, role = "group", "CVL"
                        reasons.append(f"people '{head.text}' of {entry.code} {PEOPLE_RULE}")
                if first > 0 and own[first - 1].lower_ == "ethnic":
                    # "ethnic Albanians demonstrated in Serbia": an ethnic group, coded by the country
                    # it lives in (another the sentence names, else the article's), not its nation's
                    country = self._other_country_nearby(head, entry.code)
                    if head in covered:
                        kind, role = "group", "CVL"
                    where = f" ({country}, named in the sentence)" if country else ""
                    reasons[-1] = f"ethnic '{entry.phrase}': coded where they live{where}"
                break

        # A country's name misspelt by one letter ("Quatar's emir", "Ethopia has agreed"): a proper
        # noun no table or gazetteer knows, one edit from exactly one country's name or demonym.
        if code is None and country is None:
            for token in description:
                misspelt = self._misspelt(token, self.coder.countries)
                if misspelt is not None:
                    country = misspelt.code
                    kind = "country" if token == head else kind
                    reasons.append(
                        f"'{token.text}' read as '{misspelt.phrase}' ({misspelt.origin}), one letter off"
                    )
                    break

        # 3. The role of the head noun or title, a title with "of" first ("House of Representatives").
        role_words: list[Token] = []  # the words that gave the role
        if role is None:
            for prep in head.rights:
                if prep.dep_ != "prep" or prep.lower_ != "of":
                    continue
                extended = [
                    *description,
                    prep,
                    *[t for c in prep.children if c.dep_ == "pobj" for t in c.subtree],
                ]
                for first, last, entry in _scan(self.coder.roles, extended):
                    covered = extended[first:last]
                    if head in covered and prep in covered:
                        role = entry.role or entry.code
                        role_words = covered
                        reasons.append(f"role '{entry.phrase}' ({entry.origin})")
                        if kind == "unknown":
                            kind = _kind_for_role(head)
                        break
        if role is None:
            role_matches = [
                match
                for match in _scan(self.coder.roles, description)
                if not in_name.intersection(description[match[0] : match[1]])
            ]
            for first, last, entry in reversed(role_matches):
                covered = description[first:last]
                if head in covered or (head.ent_type_ == "PERSON" and covered[-1].i < head.i):
                    role = entry.role or entry.code
                    role_words = covered
                    reasons.append(f"role '{entry.phrase}' ({entry.origin})")
                    # "rebel leaders", "opposition officials": a generic head takes the role of
                    # its modifier
                    if head.lemma_.lower() in GENERIC_ROLE_HEADS:
                        for _f, _l, modifier in role_matches:
                            if (modifier.role or modifier.code) not in {
                                role,
                                "GOV",
                            } and modifier is not entry:
                                role = modifier.role or modifier.code
                                reasons.append(f"role from modifier '{modifier.phrase}' ({modifier.origin})")
                                break
                    break
            else:
                # "US government employees": a role word modifying a noun for people.
                if (
                    head.lemma_.lower() in ROLE_TAKING_HEADS
                    or head.pos_ == "PROPN"
                    or head.ent_type_
                    in {
                        "PERSON",
                        "ORG",
                        "NORP",
                    }
                ):
                    for _first, _last, entry in role_matches:
                        role = entry.role or entry.code
                        reasons.append(f"role from modifier '{entry.phrase}' ({entry.origin})")
                        break
            if role is None and code is None:
                misspelt = self._misspelt(head, self.coder.roles, MIN_MISSPELT_ROLE_LENGTH)
                if misspelt is not None:
                    role, role_words = misspelt.role or misspelt.code, [head]
                    reasons.append(
                        f"'{head.text}' read as role '{misspelt.phrase}' ({misspelt.origin}), one letter off"
                    )
            if role and kind in {"unknown", "country", "group"}:
                kind = "person" if head.ent_type_ == "PERSON" else _kind_for_role(head)

        # "an official Syrian newspaper", "the state-run Iranian television": media that speak for
        # the government are the government (PETRARCH's GOVMED, whose primary role is GOV).
        if (
            code is None
            and role == "MED"
            and any(t.lower_ in STATE_MEDIA_WORDS for t in description if t.i < head.i)
        ):
            role = "GOV"
            reasons.append("state media speak for the government")

        # "a former adviser", "the ex-president": who no longer holds an office is an elite (ELI).
        if code is None and role in OFFICE_ROLES and role_words and self._former(head, role_words):
            role = "ELI"
            reasons.append("no longer in office: elite (ELI)")

        # Possessive pronouns carry their referent's country to a role ("his defense secretary").
        if country is None and code is None and role is not None:
            for token in own:
                if token.dep_ == "poss" and token.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS:
                    referent = self.mention_for(token)
                    if referent and referent.country:
                        country = referent.country
                        reasons.append(f"country of '{token.text}' -> '{referent.text}'")
                        break

        # A role placed in a country or one of its places: "security forces in Guinea", "rebels
        # in the Ivory Coast", "militias in Basra", "the government of Sindh province".
        if country is None and code is None and role in DOMESTIC_ROLES:
            for prep in head.rights:
                if prep.dep_ == "prep" and prep.lower_ in {"in", "from", "of"}:
                    for pobj in children_with(prep, "pobj"):
                        place = self.mention_for(pobj)
                        if place and place.country and place.kind == "government":
                            # "militias in Tripoli ... the north Lebanese port": Lebanon's Tripoli
                            named = self.countries_named(pobj.sent, outside=pobj)
                            found = _place_country(pobj, named) if named else None
                            if found is not None and found[0] in named and found[0] != place.country:
                                country = found[0]
                                reasons.append(f"'{head.text} {prep.text} {pobj.text}': {found[1]}")
                                break
                        if place and place.country and place.kind in {"country", "government"}:
                            country = place.country
                            reasons.append(f"'{head.text} {prep.text} {pobj.text}' places the role")
                            break
                        if place is None or place.code is None:
                            found = _place_country(pobj, self.countries_named(pobj.sent, outside=pobj))
                            if found is not None:
                                country = found[0]
                                reasons.append(f"'{head.text} {prep.text} {pobj.text}': {found[1]}")
                                break
                if country is not None:
                    break

        # 4. "leader of X": the complement's code when the phrase itself has none.
        if country is None and code is None and head.lemma_.lower() in _OF_HEADS:
            for child in head.rights:
                if child.dep_ == "prep" and child.lower_ in {"of", "from", "for"}:
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            inner = self.mention_for(pobj)
                            if inner and inner.code:
                                country = inner.country
                                code = inner.code if role is None or inner.role or not country else None
                                role = role if role and not inner.role else inner.role
                                reasons.append(f"'{head.text} of {inner.text}' takes its code")
                                if kind == "unknown":
                                    kind = inner.kind

        # 5. People: the name from the head or apposition; memory of earlier mentions.
        name = _person_name(_name_tokens(head))
        apposed = _person_name(appos_tokens) or self._apposed_name(appos_tokens)
        remembered_surname = (
            name is None
            and head.text[:1].isupper()
            and (head.lower_ in self.people or head.lower_ in self.named)
        )
        if head.ent_type_ != "PERSON" and apposed and not remembered_surname:
            name = apposed
        if remembered_surname:
            name = head.text  # a remembered surname the tagger did not mark as a person
        if name:
            self.named.add(name.split()[-1].lower())
            kind = "person"
            if country is None and role is None and code is None:
                remembered = self._remember(name)
                if remembered:
                    country, role, origin = remembered
                    reasons.append(f"person '{name}' coded earlier in the article ({origin})")
        # A news lead's description named in the next sentence: "A former adviser to the President
        # was sentenced on Wednesday. Paul Manafort was sentenced by Judge ..." (the same act).
        if name and country is None and role is None and code is None:
            described = self._lead_description(head)
            if described is not None:
                country, role, code = described.country, described.role, described.code
                reasons.append(f"'{described.text}', who did the same in the sentence before")
        # An apposition describing the head ("Amir Hatami, Iran's defense minister").
        if country is None and role is None and code is None:
            for token in head.children:
                if (
                    token.dep_ == "appos"
                    and abs(token.i - head.i) < MAX_PHRASE_TOKENS
                    and not _distant_acronym(token, head)
                ):
                    inner = self.mention_for(token)
                    if inner and inner.code:
                        country, role, code = inner.country, inner.role, inner.code
                        reasons.append(f"apposition '{inner.text}'")
                        break

        # A well-known person of the people directory ("Putin offered", "President Bush"), as of
        # the article's date: a title in the phrase keeps its role, the directory gives the rest.
        from_before = False
        if code is None and (country is None or role is None) and head.pos_ == "PROPN" and self.coder.people:
            spelled = name or " ".join(t.text for t in sorted(_name_tokens(head), key=lambda t: t.i))
            found = self._directory_code(spelled)
            entity = self._person_entity(head)
            if found is None and entity is not None and entity != spelled:
                found = self._directory_code(entity)  # a parse that splits "Hamad bin Khalifa al-Thani"
                spelled = entity if found is not None else spelled
            if found is None and role is not None:
                found = self._titled_surname(spelled)  # "President Bush": either Bush is American
            listed_country, listed_role = split_code(found[0]) if found is not None else (None, None)
            if found is not None and country is not None and listed_country != country:
                found = None  # "the Israeli-born American X": the text's country stands
            if found is not None:
                full, why = found
                name, kind, from_before = spelled, "person", True
                country = listed_country
                if role is None:
                    code, role = full, listed_role
                reasons.append(why)

        # A person tocsin learned about in earlier articles ("Hatami" after "Iran's Defense
        # Minister, Amir Hatami" in yesterday's news). Full names only: surnames are ambiguous.
        if name is None and head.pos_ == "PROPN" and self.coder.known_people and code is None:
            spelled = " ".join(t.text for t in sorted(_name_tokens(head), key=lambda t: t.i))
            if spelled.lower() in self.coder.known_people:
                name, kind = spelled, "person"  # a name the tagger missed but tocsin knows
        if name and code is None and country is None and role is None and len(name.split()) > 1:
            known = self.coder.known_people.get(name.lower())
            if known is not None:
                code, country, role, from_before = known.code, known.country, known.role, True
                seen = f", {known.seen.isoformat()}" if known.seen else ""
                reasons.append(f"person '{name}' known from an earlier article ('{known.evidence}'{seen})")

        # 6. A proper name coded earlier in the article ("Mahan Air" ... "Mahan's permit").
        if code is None and country is None and role is None and head.pos_ == "PROPN":
            key = head.lower_
            if key in self.codes:
                code = self.codes[key]
                country, role, origin = self.people[key]
                kind = "organisation"
                name = None
                reasons.append(f"name '{head.text}' coded earlier in the article ({origin})")

        # Someone a court has convicted or sentenced, with no other role, is a criminal (CRM): "the
        # judge sentenced Ohio man James Fields"; later mentions of the name keep the role.
        if code is None and kind == "person" and role in {None, "CVL"} and _convicted(head):
            role = "CRM"
            reasons.append("convicted or sentenced: a criminal (CRM)")
        if code is None and (country or role):
            code = (country or "") + (role or "")
        if code is None:
            return ActorMention(text, start, end, None, None, None, kind, "", name) if name else None
        if name and (country or role):
            self._learn(name, country, role, text)
            if len(name.split()) > 1 and not from_before and name.lower() not in self.learned:
                self.learned[name.lower()] = (name, code, country, role, text)
        elif head.pos_ == "PROPN" and head.ent_type_ in {"ORG", "FAC", "PRODUCT"}:
            proper = [t.text for t in description if t.pos_ == "PROPN" and t.text[:1].isupper()]
            first_word = next((t for t in description if proper and t.text == proper[0]), head)
            is_name = not any(
                a <= description.index(first_word) < b
                for table in (self.coder.countries, self.coder.roles)
                for a, b, _ in _scan(table, description)
            )
            if len(proper) > 1 and head.text == proper[-1] and is_name:
                self._learn(" ".join(proper), country, role, text, code)
        return ActorMention(
            text=text,
            start=start,
            end=end,
            code=code,
            country=country,
            role=role,
            kind=kind,
            rule="; ".join(reasons),
            name=name,
        )

    def _former(self, head: Token, role_words: list[Token]) -> bool:
        """Whether the words that gave a phrase its role say the office is past: "former" on
        them ("a former adviser", "the former U.S. defence secretary"), or "ex-" right before."""
        first = role_words[0].i
        if first >= 2 and self.doc[first - 1].text == "-" and self.doc[first - 2].lower_ == "ex":
            return True
        return any(
            child.lower_ in FORMER_WORDS and child.i < first for word in role_words for child in word.children
        ) or any(t.lower_ in FORMER_WORDS and t.head == head and head in role_words for t in head.lefts)

    def _directory_code(self, name: str) -> tuple[str, str] | None:
        """The people directories' code for a name on the article's date (users' tables first)."""
        for directory in self.coder.people:
            found = directory.lookup(name, self.day)
            if found is not None:
                return found
        return None

    def _person_entity(self, token: Token) -> str | None:
        """The text of the PERSON entity that covers the token, if one does."""
        if token.ent_type_ != "PERSON":
            return None
        if self._person_entities is None:
            self._person_entities = {}
            for entity in self.doc.ents:
                if entity.label_ == "PERSON" and len(entity) <= MAX_PHRASE_TOKENS:
                    for index in range(entity.start, entity.end):
                        self._person_entities[index] = entity.text
        return self._person_entities.get(token.i)

    def _titled_surname(self, name: str) -> tuple[str, str] | None:
        """(country, why) for a surname with a title when every directory person of that surname
        is of one country ("President Bush", "Prime Minister Sharif")."""
        words = name.split()
        if len(words) != 1:
            return None
        for directory in self.coder.people:
            countries = _surname_countries(directory).get(person_key(words[0]))
            if countries is not None and len(countries) == 1 and None not in countries:
                (country,) = countries
                assert country is not None
                return (
                    country,
                    f"surname '{words[0]}' with a title: every such person in the directory is of {country}",
                )
        return None

    def _misspelt(
        self, token: Token, table: PhraseTable, min_length: int = MIN_MISSPELT_LENGTH
    ) -> LexiconEntry | None:
        """The one-word entry of `table` that a capitalised proper noun of `min_length` letters or
        more misspells by one letter ("Quatar's emir", "the Kenya Anti-Corruption Commision"); None
        for a name, date or amount, a word that starts an entry of any table, or a real place."""
        if (
            token.pos_ != "PROPN"
            or len(token.text) < min_length
            or not token.text[:1].isupper()
            or token.ent_type_ in {"PERSON", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}
            or any(t.can_start(token.text) for t in self._tables)
        ):
            return None
        entry = misspelt_entry(token.text, table)
        if entry is None or lookup_name(token.text).candidates:
            return None  # a real place of that name is no misspelling
        return entry

    def _cannot_be_an_actor(self, head: Token, description: list[Token]) -> bool:
        """A quick test that skips the table scans for plain common-noun phrases ("the building",
        "a suspected gas leak", "the end of last year"): no word of the phrase can start a lexicon
        entry, and nothing else (a name, an apposition, a remembered word) could code it. A
        possessive pronoun ("its forces") is no reason to scan: it only lends its referent's
        country to a role, and a role word would start an entry."""
        if self.coder.dictionaries or head.pos_ != "NOUN" or head.lemma_.lower() in _OF_HEADS:
            return False
        of_complement = False  # "of" may complete a name that starts in the phrase
        for child in head.children:
            if child.dep_ == "appos":
                return False  # an apposition may name or describe it
            if child.dep_ == "prep" and child.lower_ == "of":
                of_complement = True
        for token in description:
            if token.pos_ == "PROPN" or token.lower_ in self.people:
                return False
            if token.ent_type_ and token.ent_type_ not in NUMERIC_ENTITIES:
                return False
            if token.pos_ in {"DET", "PUNCT", "NUM"} and not of_complement:
                continue  # entries that start so ("The Guardian") go on with a proper noun
            if any(table.can_start(token.text) for table in self._tables):
                return False
        return True

    def _apposed_name(self, tokens: list[Token]) -> str | None:
        """A name in apposition to a title that the tagger did not mark as a person ("Niger's
        Defence Minister, Alkassoum Indattou"): two to four capitalised proper nouns that are no
        country, role or organisation."""
        words = [t for t in tokens if not t.is_punct]
        if not 2 <= len(words) <= 4 or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words):
            return None
        if any(t.ent_type_ in {"NORP", "DATE"} for t in words):
            return None
        texts = [t.text for t in words]
        for table in (self.coder.countries, self.coder.roles, *self.coder.organisation_tables()):
            if table.match(texts, 0) is not None:
                return None
        return " ".join(texts)

    def _learn(
        self, name: str, country: str | None, role: str | None, evidence: str, code: str | None = None
    ) -> None:
        """Remember what a name was coded as: the full name and the surname (a person) or the
        first word of a multi-word organisation name ("Mahan Air" → "Mahan")."""
        parts = name.split()
        keys = {name, parts[-1]}
        if code is not None and len(parts) > 1:
            keys = {name, parts[0]}
        for key in keys:
            self.people.setdefault(key.lower(), (country, role, f"'{evidence}'"))
            if code is not None:
                self.codes.setdefault(key.lower(), code)

    def _lead_description(self, head: Token) -> ActorMention | None:
        """For a name first met as the subject of a verb: the coded description (no name of its
        own) that was the subject of a verb of the same lemma in the sentence before, or None."""
        if head.dep_ not in SUBJECT_DEPS or head.sent.start == 0:
            return None
        verb = head.head
        before = self.doc[head.sent.start - 1].sent
        for token in before:
            if (
                token.dep_ in SUBJECT_DEPS
                and token.pos_ == "NOUN"
                and token.head.lemma_ == verb.lemma_
                and token.head.pos_ in {"VERB", "AUX"}
            ):
                mention = self.mention_for(token)
                if mention is not None and mention.code and mention.role and mention.name is None:
                    return mention
        return None

    def _remember(self, name: str) -> tuple[str | None, str | None, str] | None:
        parts = name.split()
        return self.people.get(name.lower()) or self.people.get(parts[-1].lower())


@lru_cache(maxsize=8)
def _surname_countries(directory: PeopleDirectory) -> dict[str, set[str | None]]:
    """The countries of the people of a directory by the last word of each of their names."""
    index: dict[str, set[str | None]] = {}
    for entry in directory:
        for spelling in (entry.name, *entry.aliases):
            key = person_key(spelling)
            if key:
                index.setdefault(key.split()[-1], set()).add(entry.country)
    return index


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit_inside(first: str, second: str) -> bool:
    """Whether two different words are one insertion, deletion, substitution or swap of
    neighbouring letters apart, away from both ends of the word: a changed first letter makes
    another word ("Prussia", not Russia) and a changed ending another form ("Americas", not
    Americans)."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    last = min(len(first), len(second)) - 1  # edits must stay strictly between 0 and this
    if len(first) == len(second):
        diffs = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(diffs) == 1:
            return 0 < diffs[0] < last
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and first[diffs[0]] == second[diffs[1]]
            and first[diffs[1]] == second[diffs[0]]
            and diffs[0] > 0
            and diffs[1] < last
        )
    short, long = sorted((first, second), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(1, last))


@lru_cache(maxsize=8)
def _misspelling_index(table: PhraseTable) -> dict[str, list[LexiconEntry]]:
    """A table's one-word entries (not capitals: cities) by each of their one-letter deletions,
    for finding misspellings (the symmetric-delete method)."""
    index: dict[str, list[LexiconEntry]] = {}
    for entry in table:
        word = entry.phrase.casefold()
        if entry.kind == "capital" or not word.isalpha() or len(word) < MIN_MISSPELT_LENGTH - 1:
            continue
        for key in _deletions(word):
            index.setdefault(key, []).append(entry)
    return index


def misspelt_entry(word: str, table: PhraseTable) -> LexiconEntry | None:
    """The one-word entry `word` misspells by one letter ("Quatar" → Qatar, "Ethopia" →
    Ethiopia, "Commision" → commission), when exactly one code is that close; None otherwise."""
    folded = normalise_word(word).casefold()
    if len(folded) < MIN_MISSPELT_LENGTH or not folded.isalpha():
        return None
    index = _misspelling_index(table)
    found: dict[str, LexiconEntry] = {}
    for key in sorted(_deletions(folded)):
        for entry in index.get(key, ()):
            if _one_edit_inside(folded, entry.phrase.casefold()):
                found.setdefault(entry.code, entry)
    return next(iter(found.values())) if len(found) == 1 else None


def _place_country(pobj: Token, named: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """The country of a place named by a noun phrase that is no actor ("Basra", "Sindh province",
    "the West Bank town of Jenin"), with why; None unless the gazetteer knows the name and its
    best candidate is clearly the one meant: the biggest of those in a country `named` in the
    sentence ("militias in Tripoli ... the north Lebanese port"), else far bigger than any other."""
    words = [t for t in pobj.subtree if t.pos_ == "PROPN" or (t.i == pobj.i and t.lower_ in REGION_NOUNS)]
    if not words or any(t.ent_type_ in {"PERSON", "ORG", "DATE"} for t in words):
        return None
    if words[-1].i - words[0].i != len(words) - 1:
        return None  # not one name
    found = lookup_name(" ".join(t.text for t in words))
    if not found.candidates:
        return None
    best = found.candidates[0]
    if best.place.country not in named:
        in_named = [c for c in found.candidates if c.place.country in named]
        if in_named:
            place = in_named[0].place
            return place.country, f"place '{place.name}' is in {place.country}, named in the sentence"
    others = [c for c in found.candidates[1:] if c.place.country != best.place.country]
    if others and others[0].prior > best.prior - PLACE_MARGIN:
        return None
    if not best.place.country:
        return None
    return best.place.country, f"place '{best.place.name}' is in {best.place.country} (gazetteer)"


def as_nation(mention: ActorMention) -> ActorMention:
    """A people named by a plural, taken as its nation: "Palestinians rejected the plan" is the
    Palestinian side (PSE), where "Palestinians marched" are civilians (PSECVL). Other mentions
    are returned as they are."""
    if mention.role != "CVL" or not mention.country or PEOPLE_RULE not in mention.rule:
        return mention
    why = "a people as a party to politics is its nation"
    return dataclasses.replace(mention, code=mention.country, role=None, rule=f"{mention.rule}; {why}")


def as_city(mention: ActorMention) -> ActorMention:
    """A capital attacked, shelled or besieged is the city and its people (CVL), not the
    government it stands for when it speaks: "they would blockade Paris". Other mentions are
    returned as they are."""
    if mention.role != "GOV" or not mention.country or CAPITAL_RULE not in mention.rule:
        return mention
    why = "a capital under attack or threat of it is its people"
    return dataclasses.replace(
        mention, code=mention.country + "CVL", role="CVL", kind="group", rule=f"{mention.rule}; {why}"
    )


def _convicted(head: Token) -> bool:
    """Whether a court convicts or sentences the phrase: its head is the object of such a verb
    ("sentenced Ohio man James Fields"), or its subject in the passive ("Manafort was sentenced")."""
    verb = head.head
    if verb.lemma_.lower() not in CONVICTION_LEMMAS or verb.pos_ not in {"VERB", "AUX"}:
        return False
    return head.dep_ in {"dobj", "nsubjpass"}


def split_code(code: str) -> tuple[str | None, str | None]:
    """The country (first three letters unless they are a role) and first role of a CAMEO code."""
    country = code[:3] if len(code) >= 3 and code[:3] not in ROLE_CODES else None
    rest = code[3:] if country else code
    role = rest[:3] if rest[:3] in ROLE_CODES else None
    return country, role


def _referring(token: Token, referent: ActorMention, rule: str) -> ActorMention:
    """A mention at `token` (a pronoun or possessive) that stands for `referent`."""
    return dataclasses.replace(
        referent, text=token.text, start=token.idx, end=token.idx + len(token.text), rule=rule
    )


def _without_possessor(description: list[Token], head: Token) -> list[Token]:
    """The phrase's words less the head's possessor ("Israel's" in "Israel's militia ally")."""
    possessors = [child for child in head.children if child.dep_ == "poss"]
    if not possessors:
        return description
    owned = {token.i for child in possessors for token in child.subtree}
    return [token for token in description if token.i not in owned]


def _modifies(token: Token, head: Token) -> bool:
    """True when `token` reaches `head` through compound, flat, amod or nmod links only ("U.N."
    in "U.N. mediator Diego Cordovez")."""
    for _ in range(MAX_NESTING):
        if token.head == head:
            return True
        if token.dep_ not in {"compound", "flat", "amod", "nmod"} or token.head == token:
            return False
        token = token.head
    return False


def _name_tokens(head: Token) -> list[Token]:
    """The head and the words joined to it by compound/flat links only ("Donald" in "Donald
    Trump", not "Theresa" in "Theresa May's proposed deal")."""
    found = [head]
    frontier = [head]
    while frontier and len(found) < MAX_PHRASE_TOKENS:
        current = frontier.pop()
        for child in current.children:
            if child.dep_ in {"compound", "flat"}:
                found.append(child)
                frontier.append(child)
    return found


def _distant_acronym(appos: Token, head: Token) -> bool:
    """Whether a bracketed apposition follows some other noun than the head: in "an extension of
    the mandate for the force in Lebanon (UNIFIL)" the acronym names the force, not the extension."""
    opening = appos.left_edge.i - 1
    if opening <= head.i or appos.doc[opening].text not in {"(", "["}:
        return False
    before = appos.doc[opening - 1]
    return before != head and not (before.head == head and before.dep_ in {"compound", "flat"})


def _inside_appos(token: Token, head: Token) -> bool:
    while token != head and token.head != token:
        if token.dep_ == "appos" and token.head == head:
            return True
        token = token.head
    return False


def _kind_for_role(head: Token) -> str:
    if head.tag_ in {"NNS", "NNPS"}:
        return "group"
    if head.lemma_.lower() in {"government", "ministry", "administration", "cabinet", "regime"}:
        return "government"
    return "organisation" if head.pos_ == "PROPN" else "person_group"


def code_mentions(doc: Doc, coder: ActorCoder | None = None, day: date | None = None) -> list[ActorMention]:
    """Return every coded actor mention of a parsed document, in text order."""
    return DocumentActors(doc, coder, day).mentions()
