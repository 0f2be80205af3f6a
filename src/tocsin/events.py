"""The events stage: predicates in the dependency parse coded to CAMEO events, with their actors.

A predicate == a verb (or an event noun under a light verb: "launch an attack on") found in the
predicate lexicon (`data/predicates.tsv`, format documented there). Its source is the subject (the
`by` agent of a passive), its target the object the lexicon row names. Negated predicates are
dropped; conditionals, questions and modal hypotheticals are not coded as facts; future and
intended acts move to CAMEO's intent categories (03 for cooperation, 13 for threats).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Protocol

from spacy.tokens import Doc, Span, Token

from tocsin import cameo
from tocsin.actors import DocumentActors, as_city, as_nation
from tocsin.dates import resolve_expression
from tocsin.errors import DictionaryError
from tocsin.geo import DocumentPlaces, locate_event
from tocsin.syntax import children_with, direct_object, is_passive, subject_of
from tocsin.types import ActorMention, Attribution, Event, Location

LOGGER = logging.getLogger(__name__)

CONDITION_KEYS = {"obj", "prep", "pobj", "prt", "comp", "modal", "target"}
LIGHT_VERBS = {
    "launch",
    "carry",
    "conduct",
    "stage",
    "mount",
    "hold",
    "make",
    "issue",
    "impose",
    "sign",
    "wage",
    "pay",
    "start",
    "begin",
    "open",
    "reach",
    "conclude",
    "announce",
    "order",
    "go",
    "undertake",
    "complete",
    "commit",
    "perpetrate",
    "receive",
    "engage",
    "stag",  # the parser's lemma of "staged"
}
DEFAULT_TARGET_PREPS = ("against", "on", "with", "to", "at", "toward", "towards", "into")
HYPOTHETICAL_MODALS = {"would", "could", "might", "may", "should", "must", "ought", "can"}
FUTURE_MARKERS = {"will", "shall", "'ll"}
INTENT_HEADS = {
    "want",
    "wish",
    "hope",
    "plan",
    "intend",
    "seek",
    "aim",
    "vow",
    "pledge",
    "promise",
    "threaten",
    "prepare",
    "consider",
    "propose",
    "offer",
    "expect",
    "agree",
    "swear",
    # adjectives of readiness: "is willing to withdraw", "stands ready to help"
    "willing",
    "ready",
    "prepared",
    "committed",
    "determined",
    "eager",
    "keen",
}
# Verbs whose clause or infinitive is asked for, not done ("urged Iran to release", "demanded
# that Mugabe abandon").
APPEAL_HEADS = {
    "urge",
    "demand",
    "ask",
    "appeal",
    "call",
    "press",
    "encourage",
    "request",
    "insist",
    "implore",
    "beg",
    "petition",
    "push",
    "lobby",
    "plead",
    "invite",
    "exhort",
}
NEGATING_HEADS = {"fail", "refuse", "decline", "deny", "avoid", "reject", "stop", "cease", "halt"}
CONDITIONAL_MARKS = {"if", "unless", "whether", "lest"}
MAX_SUBJECT_WORDS = 8  # the longest subject phrase looked for after a noun ("United States President ...")
HYPOTHETICAL_DETERMINERS = {"any", "no"}

# CAMEO's own rule: a stated future act is coded as the intent, not the act.
_COOPERATIVE_INTENT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
_COOPERATIVE_INTENT_4 = {
    "071": "0331",
    "072": "0332",
    "073": "0333",
    "074": "0334",
    "081": "0351",
    "082": "0352",
    "083": "034",
    "084": "0353",
    "085": "0354",
    "086": "0355",
    "087": "0356",
    "061": "0311",
    "062": "0312",
    "063": "0313",
    "064": "0314",
}
_THREAT_FOR = {
    "14": "133",
    "16": "131",
    "17": "137",
    "18": "1383",
    "19": "1384",
    "20": "1385",
}
_THREAT_FOR_3 = {
    "172": "132",
    "174": "137",
    "161": "1313",
    "162": "1311",
    "163": "1312",
    "164": "134",
    "165": "135",
    "166": "136",
    "191": "1381",
    "192": "1382",
}


@dataclass(frozen=True, slots=True)
class PredicateRule:
    """One lexicon row: a lemma, its part of speech, its conditions and its CAMEO code."""

    lemma: str
    pos: str  # "V" or "N"
    conditions: dict[str, tuple[str, ...]]
    code: str
    origin: str

    @property
    def specificity(self) -> int:
        """How many conditions the row has besides where the target comes from."""
        return sum(1 for key in self.conditions if key != "target")


@dataclass(slots=True)
class PredicateLexicon:
    """Predicate rules indexed by (lemma, part of speech), most specific first."""

    rules: dict[tuple[str, str], list[PredicateRule]] = field(default_factory=dict)

    def add(self, rule: PredicateRule) -> None:
        """Add a rule; a user rule with the same lemma and conditions replaces a built-in one."""
        bucket = self.rules.setdefault((rule.lemma, rule.pos), [])
        bucket[:] = [old for old in bucket if old.conditions != rule.conditions]
        bucket.append(rule)
        bucket.sort(key=lambda r: -r.specificity)

    def candidates(self, lemma: str, pos: str) -> list[PredicateRule]:
        """The rules for a lemma, most specific first."""
        return self.rules.get((lemma, pos), [])

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self.rules.values())


def parse_predicate_lines(lines: Iterable[str], origin: str) -> Iterator[PredicateRule]:
    """Parse predicate-lexicon lines; a malformed line raises DictionaryError with its number."""
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 4:
            raise DictionaryError(origin, number, "expected lemma, pos, conditions and cameo")
        lemma, pos, condition_text, code = (column.strip() for column in columns[:4])
        if pos not in {"V", "N"}:
            raise DictionaryError(origin, number, f"part of speech must be V or N, not {pos!r}")
        if not cameo.is_valid(code):
            raise DictionaryError(origin, number, f"unknown CAMEO code {code!r}")
        conditions: dict[str, tuple[str, ...]] = {}
        if condition_text not in {"", "-"}:
            for item in condition_text.split():
                key, _, values = item.partition("=")
                if key not in CONDITION_KEYS or not values:
                    raise DictionaryError(origin, number, f"bad condition {item!r}")
                conditions[key] = tuple(values.lower().split("|"))
        yield PredicateRule(lemma.lower(), pos, conditions, code, f"{origin}:{number}")


@lru_cache(maxsize=1)
def builtin_lexicon() -> PredicateLexicon:
    """The predicate lexicon shipped with tocsin."""
    text = resources.files("tocsin.data").joinpath("predicates.tsv").read_text("utf-8")
    lexicon = PredicateLexicon()
    for rule in parse_predicate_lines(text.splitlines(), "predicates.tsv"):
        lexicon.add(rule)
    return lexicon


def load_lexicon(paths: Iterable[str | Path] = (), *, builtin: bool = True) -> PredicateLexicon:
    """The built-in lexicon extended (and overridden) by user files in the same format.

    With `builtin=False` only the user files are loaded.
    """
    lexicon = PredicateLexicon()
    for rules in builtin_lexicon().rules.values() if builtin else ():
        for rule in rules:
            lexicon.add(rule)
    for path in paths:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as error:
            raise DictionaryError(str(path), 0, f"cannot read: {error.strerror}") from error
        for rule in parse_predicate_lines(text.splitlines(), str(path)):
            lexicon.add(rule)
    return lexicon


# -- syntactic helpers ------------------------------------------------------------------------


# Heads that measure or part what follows "of": "10 days of war games", "part of an aid program".
QUANTITY_HEADS = {"day", "week", "month", "year", "ton", "tonne", "kg", "kilogram", "part", "round"}
QUANTITY_HEADS |= {"series", "wave", "number", "amount", "shipment", "consignment", "batch", "portion"}


def _phrase_lemmas(token: Token) -> set[str]:
    """Lemmas of a noun phrase's head and its compound/amod modifiers (looking through a quantity:
    "10 days of war games" is about war games)."""
    lemmas = {token.lemma_.lower(), token.lower_}
    for child in token.children:
        if child.dep_ in {"compound", "amod", "nmod"}:
            lemmas.update({child.lemma_.lower(), child.lower_})
    if token.lemma_.lower() in QUANTITY_HEADS:
        for inner in _pobjs(token, ("of",)):
            lemmas |= _phrase_lemmas(inner)
    return lemmas


def _pobjs(token: Token, preps: Iterable[str]) -> list[Token]:
    wanted = set(preps)
    found: list[Token] = []
    for prep in children_with(token, "prep", "dative", "agent"):
        if prep.lower_ in wanted:
            found.extend(children_with(prep, "pobj"))
    return found


def _struck_words(predicate: Token, anchor: Token) -> list[Token]:
    """What an act of force falls on: the direct objects of its word and of the verb it hangs on,
    and what their "on", "at", "against" and "into" phrases name ("fired on Beirut")."""
    found: list[Token] = []
    for word in {predicate, anchor}:
        found += children_with(word, "dobj", "obj")
        found += _pobjs(word, ("on", "at", "against", "into"))
    return found


def _names_any(mention: ActorMention, tokens: Iterable[Token]) -> bool:
    """Whether one of the tokens lies inside the mention's span of text."""
    return any(mention.start <= token.idx < mention.end for token in tokens)


def _is_question(sentence: Span) -> bool:
    """True when the sentence ends with a question mark (read from its last words, without
    joining its text)."""
    for token in reversed(sentence):
        word = token.text.rstrip()
        if word:
            return word.endswith("?")
    return False


def _complements(token: Token) -> list[Token]:
    """Clauses and infinitives a verb governs, including "to"-infinitives the parser attaches as
    adverbial clauses ("have sworn to fight", "demonstrated to demand reforms")."""
    found = children_with(token, "ccomp", "xcomp")
    found += [c for c in children_with(token, "advcl") if _is_to_infinitive(c)]
    return found


def _is_to_infinitive(verb: Token) -> bool:
    return any(child.dep_ == "aux" and child.lower_ == "to" for child in verb.children)


def is_negated(predicate: Token) -> bool:
    """True when the predicate, or a verb it depends on, is negated ("does not want to go to war")."""
    current = predicate
    for _ in range(6):
        if any(child.dep_ == "neg" for child in current.children):
            return True
        if any(child.lower_ in {"never", "no"} for child in current.children):
            return True
        if current != predicate and current.lemma_.lower() in NEGATING_HEADS:
            return True
        if current.dep_ in {"xcomp", "aux", "dobj", "pobj", "prep", "pcomp"} and current.head != current:
            current = current.head
            continue
        break
    obj = direct_object(predicate) if predicate.pos_ in {"VERB", "AUX"} else None
    return bool(obj is not None and any(child.lower_ == "no" for child in obj.children))


def _reported(clause: Token) -> bool:
    """True for a clause that is what a past-tense reporting verb reports ("said [it would go]")."""
    from tocsin.attribution import REPORTING_VERBS

    head = clause.head
    return (
        clause.dep_ in {"ccomp", "parataxis"}
        and head.lemma_.lower() in REPORTING_VERBS | {"warn", "threaten", "vow", "pledge", "promise"}
        and head.tag_ in {"VBD", "VBN"}
    )


def modality_of(predicate: Token, sentence: Span) -> str:
    """Return 'asserted', 'intended' (future, vowed, planned) or 'hypothetical'."""
    current = predicate
    governed = False  # True once we climbed from a complement to the verb that governs it
    for _ in range(6):
        auxiliaries = {child.lower_ for child in current.children if child.dep_ in {"aux", "auxpass"}}
        if auxiliaries & {"would", "'d"} and _reported(current) and not auxiliaries & {"have"}:
            return "intended"  # "said it would retaliate": the reported form of "will"
        if auxiliaries & HYPOTHETICAL_MODALS:
            return "hypothetical"
        if any(child.dep_ == "mark" and child.lower_ in CONDITIONAL_MARKS for child in current.children):
            return "hypothetical"
        if auxiliaries & FUTURE_MARKERS:
            return "intended"
        if governed and current.lemma_.lower() in INTENT_HEADS:
            return "intended"
        if governed and current.lemma_.lower() in APPEAL_HEADS:
            return "hypothetical"  # what is demanded or urged has not happened: the appeal is coded
        if any(c.lower_ == "going" and c.dep_ == "aux" for c in current.children):
            return "intended"
        climbs = {"xcomp", "conj", "dobj", "pobj", "prep", "pcomp", "acomp"}
        if current.head != current and (
            current.dep_ in climbs
            or (current.dep_ == "ccomp" and current.head.lemma_.lower() in APPEAL_HEADS)
            or (current.dep_ == "advcl" and _is_to_infinitive(current))
        ):
            governed = current.dep_ in {"xcomp", "ccomp", "advcl", "acomp"} or (
                governed and current.dep_ == "conj"
            )
            current = current.head
            continue
        break
    if predicate.head == predicate and _is_question(sentence):
        return "hypothetical"
    return "asserted"


ALLEGATION_HEADS = {
    "accuse",
    "blame",
    "charge",
    "suspect",
    "convict",
    "condemn",
    "criticize",
    "criticise",
    "deny",
    "acquit",
    "indict",
    "sue",
    "punish",
    "arrest",
    "detain",
}


def _found_guilty(anchor: Token) -> Token | None:
    """Who was found guilty of the act ("two officers were found guilty of raping a tourist"):
    a court's finding makes the act theirs, unlike an accusation."""
    if anchor.dep_ != "pcomp" or anchor.head.dep_ != "prep" or anchor.head.lower_ != "of":
        return None
    finding = anchor.head.head
    if finding.lemma_.lower() == "guilty" and finding.head != finding:
        finding = finding.head  # "of" hung on the adjective
    if finding.lemma_.lower() in {"find", "prove", "declare", "judge"} and any(
        child.lemma_.lower() == "guilty" for child in finding.children
    ):
        subjects = children_with(finding, "nsubjpass")
        return subjects[0] if subjects else None
    return None


def _is_allegation(anchor: Token) -> bool:
    """True for an act named as what someone is accused of ("accused Iran of attacking")."""
    if anchor.dep_ != "pcomp" or anchor.head.dep_ != "prep":
        return False
    return anchor.head.head.lemma_.lower() in ALLEGATION_HEADS


REFUSING_HEADS = {"refuse", "decline", "reject", "fail"}
# CAMEO 12: refusing a cooperative act is a rejection of its kind.
_REFUSAL_FOR = {
    "02": "120",
    "03": "120",
    "04": "125",
    "05": "120",
    "06": "121",
    "07": "122",
    "08": "124",
}
_REFUSAL_FOR_3 = {"061": "1211", "062": "1212", "057": "127", "046": "126", "081": "1241", "084": "1244"}


def _is_refusal(verb: Token) -> bool:
    """True for "refused to X", "declined to X", "failed to X" and "will not X"."""
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in REFUSING_HEADS:
        return not any(child.dep_ == "neg" for child in verb.head.children)
    auxiliaries = {child.lower_ for child in verb.children if child.dep_ == "aux"}
    negated = any(child.dep_ == "neg" for child in verb.children)
    return negated and bool(auxiliaries & {"will", "wo", "shall"})


def _refusal_code(code: str) -> str | None:
    """The CAMEO rejection code for refusing a cooperative act, or None for other acts."""
    return _REFUSAL_FOR_3.get(code[:3]) or _REFUSAL_FOR.get(code[:2])


_THREAT_FOR_4 = {"1721": "1321", "1722": "1322", "1723": "1323", "1724": "1324"}


def _intent_code(code: str) -> str:
    """Map an act's CAMEO code to the code for a stated intention or threat to do it."""
    root = code[:2]
    if code in _THREAT_FOR_4:
        return _THREAT_FOR_4[code]
    if code[:3] in _COOPERATIVE_INTENT_4:
        return _COOPERATIVE_INTENT_4[code[:3]]
    if root in _COOPERATIVE_INTENT:
        return _COOPERATIVE_INTENT[root]
    if code[:3] in _THREAT_FOR_3:
        return _THREAT_FOR_3[code[:3]]
    return _THREAT_FOR.get(root, code)


# -- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PredicateMatch:
    """A predicate token (and the token that carries its arguments) with the rule that matched."""

    predicate: Token  # the event word: verb or event noun
    anchor: Token  # the verb whose subject is the source (the light verb for event nouns)
    rule: PredicateRule


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """A verb coded by a loaded verb dictionary (PETRARCH/TABARI patterns, for instance).

    `source` and `target` are the tokens the pattern's slots matched, or None where the pattern
    has no slot for them (the subject and the default target are used then).
    """

    verb: Token
    code: str
    source: Token | None
    target: Token | None
    origin: str  # the dictionary file, line and pattern


class VerbPatterns(Protocol):
    """A loaded verb dictionary: finds the coded verbs of one sentence."""

    def match(self, sentence: Span) -> list[PatternMatch]:
        """Every verb of `sentence` that a pattern codes, with the slots it filled."""
        ...


def _conditions_hold(rule: PredicateRule, word: Token, anchor: Token) -> bool:
    conditions = rule.conditions
    if "obj" in conditions:
        obj = direct_object(anchor) if word == anchor else None
        objects = [obj] if obj is not None else []
        if word != anchor:  # event noun: its own compound words count as its object
            objects = [word]
        wanted = set(conditions["obj"])
        if not any(_phrase_lemmas(o) & wanted for o in objects):
            return False
    if "prep" in conditions:
        preps = [p for p in children_with(word, "prep", "dative") if p.lower_ in conditions["prep"]]
        if word != anchor:
            preps += [p for p in children_with(anchor, "prep") if p.lower_ in conditions["prep"]]
        if not preps:
            return False
        if "pobj" not in conditions and not any(children_with(p, "pobj") for p in preps):
            return False  # "withdrew from using X" is no "withdrew from <a place>"
        if "pobj" in conditions:
            pobjs = [o for p in preps for o in children_with(p, "pobj")]
            if not any(_phrase_lemmas(o) & set(conditions["pobj"]) for o in pobjs):
                return False
    if "prt" in conditions and not any(
        child.lower_ in conditions["prt"] for child in children_with(anchor, "prt")
    ):
        return False
    if "comp" not in conditions and "modal" not in conditions:
        return True
    complements = _complements(anchor)
    if "comp" in conditions:
        wanted = set(conditions["comp"])
        found = False
        for complement in complements:
            if complement.lemma_.lower() in wanted:
                found = True
            obj = direct_object(complement)
            if obj is not None and _phrase_lemmas(obj) & wanted:
                found = True
        if not found:
            return False
    if "modal" in conditions:
        wanted = set(conditions["modal"])
        if not any(
            child.lower_ in wanted
            for complement in complements
            for child in complement.children
            if child.dep_ == "aux"
        ):
            return False
    return True


def match_predicates(sentence: Span, lexicon: PredicateLexicon) -> list[PredicateMatch]:
    """Every predicate in the sentence that a lexicon rule codes, in text order."""
    matches: list[PredicateMatch] = []
    for token in sentence:
        if token.pos_ not in {"VERB", "NOUN", "PROPN"}:
            continue  # no predicate (the branches below): skip the lemma
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB":
            for rule in lexicon.candidates(lemma, "V") or _misread_verb_rules(token.lower_, lexicon):
                if _conditions_hold(rule, token, token):
                    matches.append(PredicateMatch(token, token, rule))
                    break
        elif token.pos_ in {"NOUN", "PROPN"} and lexicon.candidates(lemma, "N"):
            anchor = token.head
            if token.dep_ == "pobj" and anchor.dep_ == "prep":
                if anchor.head.lemma_.lower() not in {"go", "engage"}:
                    continue  # "go to war", "go on strike", "engage in"; not "announced ... in a rally"
                anchor = anchor.head
            if anchor.lemma_.lower() not in LIGHT_VERBS or token.dep_ not in {
                "dobj",
                "nsubjpass",
                "pobj",
            }:
                continue
            for rule in lexicon.candidates(lemma, "N"):
                if _conditions_hold(rule, token, anchor):
                    matches.append(PredicateMatch(token, anchor, rule))
                    break
    return matches


def _misread_verb_rules(word: str, lexicon: PredicateLexicon) -> list[PredicateRule]:
    """The rules of a verb whose inflected form the lemmatiser cut wrongly ("raped" → "rap",
    "fined" → "fin", "sniping" → "snip"): the form's stem, with and without a final e."""
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            for lemma in (stem + "e", stem) if ending in {"ing", "ed"} else (stem,):
                rules = lexicon.candidates(lemma, "V")
                if rules:
                    return rules
            return []
    return []


def _target_tokens(match: PredicateMatch) -> list[Token]:
    """Where the target may be, best first: the rule's slot, then what hangs off that phrase."""
    spec = match.rule.conditions.get("target")
    anchor, word = match.anchor, match.predicate
    if spec == ("none",):
        return []
    found: list[Token] = []
    obj = direct_object(anchor) if word == anchor else None
    anchor_object = direct_object(anchor)
    if spec and spec[0] == "obj":
        found = [anchor_object] if anchor_object is not None else []
    elif spec and spec[0] == "comp":
        # "urged the EC to support the PLO": whom the wanted act addresses (CAMEO 053, rallying
        # support on behalf of a third party, targets that party)
        wanted = set(match.rule.conditions.get("comp", ()))
        for clause in _complements(anchor):
            if not wanted or clause.lemma_.lower() in wanted:
                for verb in [clause, *children_with(clause, "conj")]:  # "to unite and mobilise against"
                    inner = direct_object(verb)
                    found.extend([inner] if inner is not None else [])
                    found.extend(_pobjs(verb, DEFAULT_TARGET_PREPS))
        if not found:  # no third party named: whom the appeal addresses
            found = [anchor_object] if anchor_object is not None else _pobjs(anchor, ("on", "upon"))
    elif spec and spec[0] == "dative":
        for dative in children_with(anchor, "dative"):
            found.extend(children_with(dative, "pobj") or [dative])
    elif spec and spec[0].startswith("prep:"):
        preps = (spec[0][5:], *spec[1:])
        found = _pobjs(word, preps) or _pobjs(anchor, preps)
        if not found and anchor_object is not None:
            found = _pobjs(anchor_object, preps)  # "suspended training in Iraq"
        if not found:  # "mobilised reservists for a war against Iraq"
            found = [inner for purpose in _pobjs(anchor, ("for",)) for inner in _pobjs(purpose, preps)]
    else:
        if obj is not None:
            found.append(obj)
        for dative in children_with(anchor, "dative"):
            found.extend(children_with(dative, "pobj") or [dative])
        found.extend(_pobjs(word, DEFAULT_TARGET_PREPS) or _pobjs(anchor, DEFAULT_TARGET_PREPS))
        if word != anchor:
            found.extend(_pobjs(word, ("of",)))  # "a suspension of air links with Serbia"
        found.extend(_pobjs(anchor, ("for",)))  # "mobilised reservists for a war against Iraq"
        found.extend(_complement_targets(anchor))
    # A phrase that is no actor itself may name one: "Mahan's permit", "a case against the driver",
    # "the release of the hostages".
    extended: list[Token] = []
    for token in list(found):
        # one level deeper for "the constitutionality of the Princess's candidacy"
        for inner in _pobjs(token, ("of",)):
            found.extend(c for c in children_with(inner, "poss") if c.pos_ != "PRON")
    for token in found:
        # "condemned the killing of X by Y": the act's doer is whom the condemnation targets.
        extended.extend(_pobjs(token, ("by",)) if token.pos_ == "NOUN" else [])
        extended.append(token)
        # "Mahan's permit" names a target; "their forces" points back at the actor itself.
        extended.extend(c for c in children_with(token, "poss") if c.pos_ != "PRON")
        extended.extend(_pobjs(token, ("of", "against", "on", "with", "to", "for")))
        # "allies such as Germany"
        for prep in children_with(token, "prep"):
            if prep.lower_ == "as" and any(c.lower_ == "such" for c in prep.children):
                extended.extend(children_with(prep, "pobj"))
        # "a lawsuit against the emergency Trump declared": the author of the thing targeted.
        for clause in children_with(token, "relcl", "acl"):
            extended.extend(children_with(clause, "nsubj"))
        for noun in [token, *_pobjs(token, ("of",))]:
            author = _reduced_relative_subject(noun)
            extended.extend([author] if author is not None else [])
    # Last, any actor named inside the object ("subpoenas for documents relating to the
    # administration's decision"): what the act is about.
    obj = direct_object(anchor)
    if obj is not None:
        extended.extend(
            t for t in obj.subtree if t.pos_ in {"NOUN", "PROPN"} and t != obj and abs(t.i - obj.i) <= 15
        )
    return extended


def _reduced_relative_subject(noun: Token) -> Token | None:
    """The subject of a relative clause without "that" which the parser took for a second main
    clause: in "filed a lawsuit against the state of emergency Trump declared", "declared" hangs
    off "filed" as a conjunct with no "and" before it. Returns "Trump" for "emergency"."""
    after = noun.right_edge.i + 1
    doc = noun.doc
    if after >= len(doc) or doc[after].is_punct:
        return None
    subject = next(
        (
            t
            for t in doc[after : min(len(doc), after + MAX_SUBJECT_WORDS)]
            if t.left_edge.i == after and t.dep_ == "nsubj"
        ),
        None,
    )
    if subject is None:
        return None
    verb = subject.head
    if verb.dep_ != "conj" or verb.i < subject.i or verb.pos_ != "VERB":
        return None
    if any(t.dep_ == "cc" or t.is_punct for t in doc[verb.head.i + 1 : verb.i] if t.head == verb.head):
        return None  # "filed a lawsuit and Trump declared": a true second clause
    return subject


def _complement_targets(anchor: Token) -> list[Token]:
    """Whom a demand, appeal or threat addresses when it has no object: the subject of what is
    demanded ("demanded that the US cancel"), the object of what is threatened ("threatened to
    deliver blows to the US"), the subject of its condition ("... unless Baghdad accepted")."""
    found: list[Token] = []
    for clause in children_with(anchor, "ccomp"):
        found.extend(children_with(clause, "nsubj", "nsubjpass"))
    for clause in children_with(anchor, "xcomp"):
        obj = direct_object(clause)
        found.extend([obj] if obj is not None else [])
        found.extend(_pobjs(clause, DEFAULT_TARGET_PREPS))
        for condition in children_with(clause, "advcl"):
            if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in condition.children):
                found.extend(children_with(condition, "nsubj"))
    for condition in children_with(anchor, "advcl"):
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in condition.children):
            found.extend(children_with(condition, "nsubj"))
    return found


def _event_date(
    predicate: Token, dates: list[Span], reference: date | None, future: bool
) -> tuple[date | None, str]:
    """The day of the predicate from a date expression (one of `dates`, its sentence's DATE
    entities) attached to it, else the article date."""
    for entity in dates:
        token = entity.root
        for _ in range(8):
            if token == predicate:
                resolved = resolve_expression(entity.text, reference, future=future)
                if resolved is not None:
                    return resolved, "expression"
                break
            if token.head == token or (token.pos_ == "VERB" and token != entity.root):
                break
            token = token.head
    return reference, ("article" if reference else "none")


def _event_location(
    context: CodingContext,
    predicate: Token,
    anchor: Token,
    sentence: Span,
    source: ActorMention,
    target: ActorMention | None,
) -> Location | None:
    """Where the event happened: a governed place, the sentence's, the dateline's or an actor's
    country, resolved to the gazetteer by `geo.locate_event` (None when nothing supports a place)."""
    if context.places is None:
        return None
    return locate_event(predicate, anchor, sentence, context.places, source, target)


def _event_id(article_id: str, predicate: Token, code: str, source: str, target: str) -> str:
    key = f"{article_id}|{predicate.idx}|{code}|{source}|{target}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class CodingContext:
    """What event coding needs from the rest of the pipeline for one article."""

    article_id: str
    article_date: date | None
    doc: Doc
    actors: DocumentActors
    lexicon: PredicateLexicon
    patterns: tuple[VerbPatterns, ...] = ()
    places: DocumentPlaces | None = None  # the article's resolved places (None: no locations)
    # the DATE entities of each sentence (by its first token), found once per sentence: asking
    # spaCy for a span's entities walks every entity of the document
    _dates: dict[int, list[Span]] = field(default_factory=dict, compare=False, repr=False)

    def dates_in(self, sentence: Span) -> list[Span]:
        """The DATE entities inside `sentence`."""
        found = self._dates.get(sentence.start)
        if found is None:
            if not self._dates:
                for entity in self.doc.ents:
                    if entity.label_ == "DATE":
                        self._dates.setdefault(entity.sent.start, []).append(entity)
                self._dates.setdefault(-1, [])  # marks the document as scanned
            found = self._dates.get(sentence.start, [])
        return found


def _deploys(match: PredicateMatch) -> bool:
    """Whether the predicate moves forces or people somewhere ("deploy", "withdraw", "send")."""
    return (
        match.anchor.lemma_.lower() in DEPLOYMENT_LEMMAS
        or match.predicate.lemma_.lower() in DEPLOYMENT_LEMMAS
    )


def _destinations(
    context: CodingContext, match: PredicateMatch, moved: Token | None
) -> list[ActorMention | None]:
    """The countries that forces or people are moved to, from or within ("deploy peacekeepers in
    Iraq", "withdraw its force from Chad", "sought refuge in Germany"): a country or its capital
    named after one of PLACE_PREPS on the verb or on what is moved. Cities and regions are left
    to the event's location."""
    found: list[ActorMention | None] = []
    heads = [match.anchor, match.predicate] + ([moved] if moved is not None else [])
    for head in heads:
        for pobj in _pobjs(head, PLACE_PREPS):
            for mention in _actors_of(context, pobj):
                if mention.kind in {"country", "government"} and mention not in found:
                    found.append(mention)
    return found


def _conjuncts(token: Token) -> list[Token]:
    """The token and the nouns coordinated with it ("Arnor, Osgiliath and Gondor")."""
    found = [token]
    frontier = [token]
    while frontier and len(found) < 12:
        current = frontier.pop()
        for child in current.children:
            if child.dep_ == "conj" and child.pos_ in {"NOUN", "PROPN", "PRON"} and child not in found:
                found.append(child)
                frontier.append(child)
    return sorted(found, key=lambda t: t.i)


def _actors_of(context: CodingContext, token: Token | None) -> list[ActorMention]:
    """The coded actor mentions of a noun phrase and its coordinated nouns."""
    if token is None:
        return []
    mentions: list[ActorMention] = []
    for conjunct in _conjuncts(token):
        mention = context.actors.mention_for(conjunct)
        if mention is not None and mention.code and mention not in mentions:
            mentions.append(mention)
            mentions.extend(
                m for m in _coordinated_countries(context, conjunct, mention) if m not in mentions
            )
    return mentions


def _coordinated_countries(context: CodingContext, head: Token, mention: ActorMention) -> list[ActorMention]:
    """The other actors of a phrase whose country word is coordinated with another ("Indian and
    Pakistani troops", "US and British forces"): the same role, each country."""
    country = mention.country
    if not country or not mention.code or not mention.code.startswith(country):
        return []
    table = context.actors.coder.countries
    found: list[ActorMention] = []
    for modifier in head.children:
        if modifier.dep_ not in {"amod", "compound", "nmod"}:
            continue
        entry = table.lookup(modifier.text)
        if entry is None or entry.code != country:
            continue
        for other in children_with(modifier, "conj"):
            also = table.lookup(other.text)
            if also is None or also.kind == "capital" or also.code == country:
                continue
            found.append(
                dataclasses.replace(
                    mention,
                    code=also.code + mention.code[len(country) :],
                    country=also.code,
                    rule=f"{mention.rule}; '{other.text}' is coordinated with '{modifier.text}'",
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class _Candidate:
    match: PredicateMatch
    source: Token | None  # from a dictionary pattern's slot; None: the subject
    target: Token | None  # likewise; None: the rule's target
    slots: bool  # True when the candidate comes from a verb dictionary pattern


def _candidates(context: CodingContext, sentence: Span) -> list[_Candidate]:
    """Pattern matches from loaded verb dictionaries first, then the predicate lexicon's."""
    found: list[_Candidate] = []
    claimed: set[int] = set()
    for patterns in context.patterns:
        for pattern in patterns.match(sentence):
            if not cameo.is_valid(pattern.code):  # one verb may give several ("A:B" codes)
                continue
            claimed.add(pattern.verb.i)
            rule = PredicateRule(pattern.verb.lemma_.lower(), "V", {}, pattern.code, pattern.origin)
            match = PredicateMatch(pattern.verb, pattern.verb, rule)
            found.append(_Candidate(match, pattern.source, pattern.target, True))
    for match in match_predicates(sentence, context.lexicon):
        if match.anchor.i not in claimed and match.predicate.i not in claimed:
            found.append(_Candidate(match, None, None, False))
            claimed.add(match.predicate.i)
    for match, agent in _nominal_events(sentence, context.lexicon):
        if match.predicate.i not in claimed:
            targets = _pobjs(match.predicate, ("on", "against", "of", "at", "with", "in"))
            target = next((t for t in targets if t != agent), None) or _opposed_subject(match.predicate)
            found.append(_Candidate(match, agent, target, False))
    return found


SEPARATION_NOUNS = {"independence", "secession", "autonomy", "separation", "liberation", "freedom"}
RULE_NOUNS = {"rule", "occupation", "control", "domination", "oppression", "sovereignty"}
PRESSURE_NOUNS = {"pressure", "call", "demand", "appeal", "plea", "request", "ultimatum", "urging"}


def _separated_from(anchor: Token) -> Token | None:
    """Whom a demand for independence addresses: X in "independence from X" or "from X rule"
    anywhere in the clause of `anchor`."""
    for token in anchor.subtree:
        if token.lemma_.lower() not in SEPARATION_NOUNS:
            continue
        for state in _pobjs(token, ("from",)):
            if state.lemma_.lower() in RULE_NOUNS:  # "from Indonesian rule", "from Moscow's rule"
                ruler = next((c for c in state.children if c.dep_ in {"amod", "poss", "compound"}), None)
                return ruler
            return state
    return None


def _resisted_agent(anchor: Token) -> Token | None:
    """Who pressed for what a refusal turns down: Y in "despite pressure by/from Y", "despite Y's
    calls", "despite US demands", the "despite" phrase on the refusing verb or the act refused."""
    for verb in [anchor, *children_with(anchor, "xcomp")]:
        for noun in _pobjs(verb, ("despite",)):
            if noun.lemma_.lower() not in PRESSURE_NOUNS:
                continue
            agents = _pobjs(noun, ("by", "from"))
            if agents:
                return agents[0]
            for child in noun.children:
                if child.dep_ == "poss" or (
                    child.dep_ in {"compound", "amod", "nmod"} and child.pos_ == "PROPN"
                ):
                    return child
    return None


def _opposed_subject(noun: Token) -> Token | None:
    """Whom an act named in a "despite" phrase opposes: the subject of the clause it qualifies
    ("He announced the change despite criticism by the Greek minister": he is criticised)."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in {"despite", "notwithstanding"}:
        if not (noun.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lower_ == "spite"):
            return None
        prep = prep.head.head  # "in spite of"
    clause = prep.head
    return subject_of(clause) if clause.pos_ in {"VERB", "AUX"} else None


# Event nouns coded on their own when the phrase names who acted ("the killing of X by Y",
# "Israel's airstrike on Gaza", "Saudi airstrikes"). Nouns too often not an act are left out.
_NOT_NOMINAL = {"call", "effort", "attempt", "mission", "operation", "game", "test", "deal", "fire"}
_NOT_NOMINAL |= {"alert", "exercise", "hearing", "appeal", "demand", "talk", "conversation", "war"}
# Verbs under which a named act is not asserted to have happened.
_NONFACTIVE_HEADS = (
    INTENT_HEADS
    | NEGATING_HEADS
    | {
        "warn",
        "fear",
        "prevent",
        "call",
        "urge",
        "demand",
        "risk",
        "oppose",
        "rule",
        "threaten",
        "allege",
        "claim",
        "accuse",
        "blame",
        "rumor",
        "rumour",
    }
)


def _nominal_rules(token: Token, lexicon: PredicateLexicon) -> list[PredicateRule]:
    """The rules an event noun may code by: its own N rows, then the verb of an -ing noun."""
    lemma = token.lemma_.lower()
    if lemma in _NOT_NOMINAL:
        return []
    rules = list(lexicon.candidates(lemma, "N"))
    if lemma.endswith("ing") and len(lemma) > 5:
        for stem in (lemma[:-3], lemma[:-3] + "e", lemma[:-4]):  # killing, seizing, shelling
            if lexicon.candidates(stem, "V"):
                rules.extend(lexicon.candidates(stem, "V"))
                break
    return rules


def _nominal_agent(noun: Token) -> Token | None:
    """Who did what an event noun names: its "by" object, possessor or an actor modifier."""
    for prep in children_with(noun, "prep", "agent"):
        if prep.lower_ == "by":
            pobjs = children_with(prep, "pobj")
            if pobjs:
                return pobjs[0]
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ in {"compound", "amod", "nmod"} and child.i < noun.i and child.pos_ in {"PROPN", "ADJ"}:
            if child.ent_type_ in {"GPE", "NORP", "ORG"}:
                return child
    return None


def _nominal_events(sentence: Span, lexicon: PredicateLexicon) -> list[tuple[PredicateMatch, Token]]:
    """Event nouns with a named agent, asserted by their clause, with the rule that codes them."""
    found: list[tuple[PredicateMatch, Token]] = []
    for token in sentence:
        if token.pos_ != "NOUN" or token.dep_ in {"compound", "amod"}:
            continue
        rules = _nominal_rules(token, lexicon)
        if not rules:
            continue
        agent = _nominal_agent(token)
        if agent is None:
            continue
        if any(child.lower_ in HYPOTHETICAL_DETERMINERS for child in token.children):
            continue
        clause = token.head
        steps = 0
        while clause.pos_ not in {"VERB", "AUX"} and clause.head != clause and steps < 8:
            clause, steps = clause.head, steps + 1
        if clause.lemma_.lower() in _NONFACTIVE_HEADS:
            continue
        for rule in rules:
            conditions = {k: v for k, v in rule.conditions.items() if k in {"obj", "target"}}
            if "obj" in conditions and rule.pos == "V":
                continue  # a verb row that needs an object does not fit the noun
            if "obj" in conditions and not _phrase_lemmas(token) & set(conditions["obj"]):
                continue
            if any(k in rule.conditions for k in ("prep", "pobj", "prt", "comp", "modal")):
                continue
            nominal_rule = PredicateRule(rule.lemma, "N", conditions, rule.code, rule.origin)
            found.append(
                (
                    PredicateMatch(token, clause if clause.pos_ in {"VERB", "AUX"} else token, nominal_rule),
                    agent,
                )
            )
            break
    return found


FORCE_ROLES = {"MIL", "COP", "UAF", "PKO", None}
# Appeals and demands for aid or refuge ("Iraqi Kurds sought refuge"): made by people, not nations.
HUMANITARIAN_REQUESTS = {"0233", "1033"}
# Verbs that move forces or people: their object is the actor's own, the place is the target.
DEPLOYMENT_LEMMAS = {
    "deploy",
    "redeploy",
    "send",
    "dispatch",
    "station",
    "withdraw",
    "pull",
    "mobilize",
    "mobilise",
    "evacuate",
    "contribute",
}
PLACE_PREPS = ("in", "into", "to", "from", "inside", "out")


def _court_of(verb: Token, context: CodingContext) -> Token | None:
    """The court of an agentless passive legal act ("was sentenced in federal court")."""
    if not is_passive(verb):
        return None
    for pobj in _pobjs(verb, ("in", "at", "by")):
        mention = context.actors.mention_for(pobj)
        if mention is not None and mention.role == "JUD":
            return pobj
    return None


# Decisions of an international body (intent to cooperate, aid) that concern a country even when
# they name no party: "the Security Council agreed to extend the mandate of the force in Lebanon".
IGO_DECISIONS = {"03", "07"}


def _nobodys(actor: ActorMention) -> bool:
    """Whether the actor is a bare role of no country or organisation ("a peacekeeping force")."""
    return actor.country is None and not (actor.code or "").startswith(("IGO", "NGO", "IMG", "MNC"))


def _is_igo(actor: ActorMention) -> bool:
    """Whether the actor is an intergovernmental organisation (its code starts IGO)."""
    return bool(actor.code and actor.code.startswith("IGO"))


# Restrictions imposed (172), threatened (132) or eased (081: a curfew, a state of emergency lifted).
RESTRICTION_CODES = {"172", "132", "081"}


def _implicit_target(
    code: str, source: ActorMention, place: str | None = None, local: bool = False
) -> ActorMention | None:
    """The target CAMEO coders assume when the text names none, `place` being the country where the
    text says the event happened (`local` when the text names a town, site or region in it, not
    the country): a protest addresses the government there (else the protesters' own), curfews
    and restrictions fall on the people there, an attack abroad is on that country, or on the
    people of the town or site attacked ("fired at targets in Jericho"); an investigation, or an
    international body's decision, that names no party concerns the country where it is made."""

    def implied(text: str, country: str, role: str | None, kind: str, why: str) -> ActorMention:
        return ActorMention(
            text=text,
            start=source.start,
            end=source.start,
            code=country + (role or ""),
            country=country,
            role=role,
            kind=kind,
            rule=f"implicit: {why}",
        )

    if code[:2] == "14" and source.country and source.role != "GOV" and source.kind != "country":
        whose = "the government where the protest took place" if place else "the protesters' own government"
        return implied(
            "(the government)", place or source.country, "GOV", "government", f"a protest addresses {whose}"
        )
    population = place or source.country
    if code[:3] in RESTRICTION_CODES and population:
        why = "curfews, bans and restrictions (and their easing) fall on the people where they are imposed"
        return implied("(the population)", population, "CVL", "group", why)
    if code[:2] == "09" and place and (source.country or _is_igo(source)) and place != source.country:
        why = "an investigation that names no one investigated is of the country where it is made"
        return implied("(the country investigated)", place, None, "country", why)
    if code[:2] in IGO_DECISIONS and _is_igo(source) and place:
        why = "an international body's decision that names no party concerns the country it applies to"
        return implied("(the country concerned)", place, None, "country", why)
    if code[:2] in {"18", "19", "20"} and place and place != source.country:
        if local:
            why = "an attack on a town or site in another country falls on the people there"
            return implied("(the people of the place attacked)", place, "CVL", "group", why)
        why = "an attack in another country is an attack on that country"
        return implied("(the place attacked)", place, None, "country", why)
    return None


# Acts addressed to someone even when the sentence does not say whom: appeals, criticism,
# demands, rejections, threats.
DIRECTED_ROOTS = {"02", "10", "11", "12", "13"}


def infer_implicit_targets(events: Sequence[Event], window: int = 2) -> list[Event]:
    """Give a directed act with no target the actor the preceding sentences' events addressed.

    "The House voted to hold Barr in contempt ... Barr refused to hand over the documents":
    the refusal is addressed to the House. Only the last `window` sentences count, the borrowed
    target must be another actor than the source, and its rule says it was inferred.
    """
    result: list[Event] = []
    for event in events:
        if event.target is None and event.cameo_root in DIRECTED_ROOTS:
            # the last actor addressed before, or whoever addressed this source ("the House
            # subpoenaed the administration ... the administration refused")
            borrowed: ActorMention | None = None
            where = 0
            for e in result:
                if not event.sentence_index - window <= e.sentence_index <= event.sentence_index:
                    continue
                if e.target is None or e.target.rule.startswith("implicit"):
                    continue
                if e.target.code != event.source.code:
                    borrowed, where = e.target, e.sentence_index
                elif e.source.code != event.source.code:
                    borrowed, where = e.source, e.sentence_index
            if borrowed is not None:
                target = dataclasses.replace(
                    borrowed, rule=f"implicit: the actor addressed in sentence {where} ('{borrowed.text}')"
                )
                event = dataclasses.replace(
                    event, target=target, confidence=max(0.05, event.confidence - 0.15)
                )
        result.append(event)
    return result


def code_sentence_events(
    context: CodingContext,
    sentence: Span,
    sentence_index: int,
    sentence_start: int,
    attribute: Callable[[Token], Attribution],
) -> list[Event]:
    """Code the events of one sentence. `attribute(token) -> Attribution` gives each its sources.

    Coordinated actors give one event per (source, target) pair ("Arnor and Gondor attacked X").
    """
    events: list[Event] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    anchors: dict[str, int] = {}  # event id → index of the verb that carries it
    refusing_heads: set[tuple[int, str | None]] = set()
    for candidate in _candidates(context, sentence):
        match = candidate.match
        predicate, anchor = match.predicate, match.anchor
        refused = False
        if not candidate.slots and (is_negated(predicate) or (anchor != predicate and is_negated(anchor))):
            refusal = _refusal_code(match.rule.code) if _is_refusal(anchor) else None
            if refusal is None:
                LOGGER.debug("negated predicate not coded: %s", predicate.text)
                continue
            refused = True
        if _is_allegation(anchor):
            LOGGER.debug("alleged act not coded as the accuser's: %s", predicate.text)
            continue
        modality = modality_of(anchor, sentence)
        determiner_hypothetical = any(
            child.lower_ in HYPOTHETICAL_DETERMINERS for child in predicate.children
        )
        if modality == "hypothetical" or (predicate != anchor and determiner_hypothetical):
            LOGGER.debug("hypothetical predicate not coded: %s", predicate.text)
            continue
        code = match.rule.code
        if refused:
            code, modality = _refusal_code(code) or code, "asserted"
        elif modality == "intended" and not candidate.slots:
            code = _intent_code(code)
        sources = _actors_of(
            context,
            candidate.source or subject_of(anchor) or _found_guilty(anchor) or _court_of(anchor, context),
        )
        targets: list[ActorMention | None] = []
        deploys = _deploys(match) and candidate.target is None
        # "will withdraw weapons inspectors from Iraq": the country is whom a deployment addresses
        targets = _destinations(context, match, direct_object(anchor)) if deploys and sources else []
        for target_token in (
            [] if targets else [candidate.target] if candidate.target is not None else _target_tokens(match)
        ):
            targets = list(_actors_of(context, target_token))
            if (code[:2] in {"08", "13", "15", "16"} or deploys) and sources:
                # "mobilised army reservists", "will withdraw its troops from Chad", "refused to
                # deploy peacekeepers in Iraq": one's own forces are what the actor uses, not whom
                # the act addresses; where they go is
                own = {source.country for source in sources}
                if deploys:
                    own.add(None)
                forces = [
                    t
                    for t in targets
                    if t and t.country in own and t.role in FORCE_ROLES and t.kind != "person"
                ]
                targets = [t for t in targets if t not in forces]
                if forces and not targets:
                    targets = _destinations(context, match, target_token)
            if targets:
                break
        if not targets and sources and (deploys or code[:2] == "10"):
            targets = _destinations(context, match, None)  # "sought refuge in Germany"
        if not targets and sources and code[:2] in {"10", "14"}:
            # "demonstrated calling for independence from Iraq": whom a separatist demand addresses
            targets = list(_actors_of(context, _separated_from(anchor)))
        if not targets and sources and code[:2] == "12":
            # "declined to resign despite pressure by the commission": whom the refusal rebuffs
            targets = list(_actors_of(context, _resisted_agent(anchor)))
        concerns_a_country = code[:2] == "09" or (
            code[:2] in IGO_DECISIONS and bool(sources) and _is_igo(sources[0])
        )
        if concerns_a_country and targets and all(t is None or _nobodys(t) for t in targets):
            # "to investigate the feasibility of a peacekeeping force": a role of no one's is no
            # party; the country where it applies is (below)
            targets = []
        if not targets:
            place, local = None, False
            placed = code[:2] in {"14", "18", "19", "20"} or code[:3] in RESTRICTION_CODES
            if sources and (placed or concerns_a_country):
                where = _event_location(context, predicate, anchor, sentence, sources[0], None)
                if where is not None and where.country and where.method.startswith(("governed", "sentence")):
                    place, local = where.country, where.precision in {"city", "site", "admin1"}
            targets = [_implicit_target(code, sources[0], place, local) if sources else None]
        if code[:2] in {"18", "19", "20"} or code[:3] == "138":
            # "they would blockade Paris": a capital the act falls on is its people (where "unless
            # Baghdad accepted" still names the government)
            struck = _struck_words(predicate, anchor)
            targets = [
                as_city(target) if target is not None and _names_any(target, struck) else target
                for target in targets
            ]
        if code[:2] < "14" and code not in HUMANITARIAN_REQUESTS:
            # statements, appeals, talks, demands, criticism, rejections, threats: a stance
            sources = [as_nation(source) for source in sources]
        for source in sources:
            for target in targets:
                if target is not None and target.code == source.code and len(targets) > 1:
                    continue
                key = (code, source.code, target.code if target else None)
                if key in seen:
                    continue
                seen.add(key)
                event = _make_event(
                    context,
                    match,
                    code,
                    modality,
                    source,
                    target,
                    sentence,
                    sentence_index,
                    sentence_start,
                    attribute,
                )
                anchors[event.event_id] = anchor.i
                events.append(event)
                if refused:
                    refusing_heads.add((anchor.head.i, source.code))
    # "refused to hand over X" is one rejection, not also a bare "refused" (120).
    events = [
        e
        for e in events
        if not (e.cameo_root == "12" and (anchors[e.event_id], e.source.code) in refusing_heads)
    ]
    return _one_per_act(events)


def _one_per_act(events: list[Event]) -> list[Event]:
    """One event per source, root and target in a sentence: "chanted slogans and threw eggs" is
    one protest, and an event without a target gives way to the same act with one."""
    kept: list[Event] = []
    targeted = {(e.cameo_root, e.source.code) for e in events if e.target is not None}
    seen: set[tuple[str, str | None, str | None]] = set()
    for event in events:
        target = event.target.code if event.target else None
        if event.cameo_root == "14" and event.target is not None:
            target = event.target.country  # one demonstration, whichever verbs describe it
        if target is None and (event.cameo_root, event.source.code) in targeted:
            continue
        key = (event.cameo_root, event.source.code, target)
        if key in seen:
            continue
        seen.add(key)
        kept.append(event)
    return kept


def _make_event(
    context: CodingContext,
    match: PredicateMatch,
    code: str,
    modality: str,
    source: ActorMention,
    target: ActorMention | None,
    sentence: Span,
    sentence_index: int,
    sentence_start: int,
    attribute: Callable[[Token], Attribution],
) -> Event:
    predicate, anchor = match.predicate, match.anchor
    info = cameo.lookup(code)
    event_date, date_basis = _event_date(
        anchor, context.dates_in(sentence), context.article_date, future=modality == "intended"
    )
    attribution = attribute(predicate)
    confidence = 0.55
    confidence += 0.1 if target is not None else 0.0
    confidence += 0.1 if source.role else 0.0
    confidence += 0.05 * min(match.rule.specificity, 2)
    confidence -= 0.1 if modality == "intended" else 0.0
    confidence -= 0.1 if "pronoun" in source.rule else 0.0
    text = sentence.text.strip()
    return Event(
        event_id=_event_id(
            context.article_id, predicate, code, source.code or "", (target.code or "") if target else ""
        ),
        article_id=context.article_id,
        date=event_date,
        sentence_index=sentence_index,
        sentence=text,
        span=(sentence_start, sentence_start + len(text)),
        source=source,
        target=target,
        cameo=code,
        cameo_root=info.root,
        quad_class=info.quad_class,
        goldstein=info.goldstein,
        attribution=attribution,
        location=_event_location(context, predicate, anchor, sentence, source, target),
        predicate=predicate.text if predicate == anchor else f"{anchor.text} … {predicate.text}",
        predicate_span=(predicate.idx, predicate.idx + len(predicate.text)),
        plover_type=info.plover_type,
        plover_mode=info.plover_mode,
        confidence=max(0.05, min(0.95, confidence)),
        modality=modality,
        date_basis=date_basis,
        extras={"rule": match.rule.origin},
    )


STATEMENT_CODE = "010"
GENERIC_SOURCES = {"official", "source", "diplomat", "observer", "analyst", "expert", "witness", "authority"}


def _statement_target(
    context: CodingContext, content: list[Token], source: ActorMention
) -> ActorMention | None:
    """Whom a statement is about: the subject of what was said, else its object, else the first
    actor named in it ("Cruz said members of Congress have abused ..." → Congress)."""
    for clause in content:
        ordered: list[Token] = []
        subject = subject_of(clause)
        if subject is not None:
            ordered.append(subject)
        obj = direct_object(clause)
        if obj is not None:
            ordered.append(obj)
        ordered.extend(t for t in clause.subtree if t.pos_ in {"NOUN", "PROPN"} and t not in ordered)
        for token in ordered:
            mention = context.actors.mention_for(token)
            if mention is None or not mention.code or mention.kind == "outlet":
                continue
            if mention.start == source.start or (mention.name and mention.name == source.name):
                continue
            return mention
    return None


_NOT_STATEMENTS = {"report", "quote", "cite", "continue"}


def code_statement_events(
    context: CodingContext,
    sentence: Span,
    sentence_index: int,
    sentence_start: int,
    coded: list[Event],
    attribute: Callable[[Token], Attribution],
) -> list[Event]:
    """CAMEO 010 for a coded political actor's statement that carries no other event of theirs.

    Media outlets and anonymous sources relay claims; they do not make political statements.
    """
    from tocsin.attribution import REPORTING_VERBS

    statements: list[Event] = []
    for token in sentence:
        if token.pos_ != "VERB":
            continue  # (checked below too): skip the lemma
        lemma = token.lemma_.lower()
        if token.pos_ != "VERB" or lemma not in REPORTING_VERBS or lemma in _NOT_STATEMENTS:
            continue
        if is_negated(token) or modality_of(token, sentence) == "hypothetical":
            continue
        if not any(child.dep_ in {"ccomp", "dobj", "xcomp", "parataxis"} for child in token.children):
            continue
        subject = subject_of(token)
        source = context.actors.mention_for(subject) if subject is not None else None
        if source is None or not source.code or source.kind == "outlet":
            continue
        if source.kind == "person" and source.role is None:
            continue  # a private person's words are not a political actor's statement
        if subject is not None and subject.lemma_.lower() in GENERIC_SOURCES and "context" in source.rule:
            continue  # "officials said": whose officials the text does not say; a source, not an actor
        if any(event.source.code == source.code for event in coded + statements):
            continue
        content = [c for c in token.children if c.dep_ in {"ccomp", "xcomp", "parataxis"}]
        if any(
            c.left_edge.idx <= event.predicate_span[0] <= c.right_edge.idx for c in content for event in coded
        ):
            continue  # "X said that Y did Z": the event is Z, with X as its source of information
        rule = PredicateRule(lemma, "V", {}, STATEMENT_CODE, "statement")
        statements.append(
            _make_event(
                context,
                PredicateMatch(token, token, rule),
                STATEMENT_CODE,
                "asserted",
                source,
                _statement_target(context, content, source),
                sentence,
                sentence_index,
                sentence_start,
                attribute,
            )
        )
    return statements
