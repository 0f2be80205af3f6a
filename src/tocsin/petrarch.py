"""PETRARCH/TABARI-format dictionaries: actors (with dated codes), agents, verb patterns, discards.

`load_dictionaries(paths)` reads the files a user names (`--dictionary PATH`) and returns what the
actors stage (`ActorDictionary`) and the events stage (`VerbPatterns`) consult.

The formats (see the PETRARCH documentation and the dictionaries themselves):

- Comments: `# ...`, legacy `; ...` and `<!-- ... -->` (possibly over several lines).
- Actors: `PHRASE [CODE]`, synonyms on `+PHRASE` lines, date restrictions on indented lines
  `[CODE <YYYYMMDD]`, `[CODE >YYMMDD]`, `[CODE D1-D2]`, `[CODE]` (the default). Words are joined
  by `_` or blanks. The first restriction that holds on the article date wins.
- Agents: `PHRASE {PLURALS} [~CODE]` (suffix) or `[CODE~]` (prefix); regular plurals are made
  unless `{}` is given; `!NAME! = A, B, C` substitution sets used as `!NAME!` in phrases.
- Verbs: synsets `&NAME` with `+MEMBER` lines; blocks `--- VERB [CODE] ---` then verb lines
  (`VERB {IRREGULAR FORMS} [CODE]`, `+` marking the verb in a multi-word verb) and patterns
  `- WORDS * WORDS [CODE]` where `*` is the verb, `$` the source, `+` the target, `%` a compound
  actor, `^` any noun phrase, `&NAME` a synset and `_` joins words that must be adjacent. A code
  `A:B` also codes B from the target back to the source; `---` codes nothing.
- Discards: one phrase a line; a sentence containing one is not coded, a story-level discard
  (`+PHRASE`) drops the whole text. A phrase ending in `_` must end at a word boundary.

Codes that are not in tocsin's CAMEO table (the PETRARCH unit tests use 904, 174K, ...) are
registered with `tocsin.cameo.register_dictionary_code` so that only dictionary codes extend it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from spacy.tokens import Span, Token

from tocsin import cameo
from tocsin.actors import ActorDictionary
from tocsin.errors import DictionaryError
from tocsin.events import PatternMatch, VerbPatterns, is_negated
from tocsin.syntax import subject_of

LOGGER = logging.getLogger(__name__)

NULL_CODE = "---"
DISCARD_CODE = "###"
# Dependents of a noun that belong to its phrase (as the actors stage reads a phrase).
_LEFT_DEPS = {"compound", "amod", "poss", "nmod", "det", "nummod", "quantmod", "case", "punct"}
_RIGHT_DEPS = {"compound", "flat", "nmod", "case"}
_PP_PREPS = {"of", "in", "from"}
_NEGATIONS = {"NOT", "N'T", "NEVER", "NO", "NEITHER", "NOR"}
_MAX_PHRASE = 30
_CODE_RE = re.compile(r"^(?:\d{2,4}[A-Za-z]?)$")
_BRACKET_RE = re.compile(r"\[([^\]]*)\]")
_DATE_RE = re.compile(r"^\d{6}(?:\d{2})?$")
_HYPHEN_RE = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])")


# -- reading ----------------------------------------------------------------------------------


def _read(path: Path) -> str:
    """The file's text (UTF-8, else Latin-1); an unreadable file raises DictionaryError."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DictionaryError(str(path), 0, f"cannot read: {error.strerror or error}") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, content) with comments removed; blank results are skipped.

    Leading whitespace is kept: an indented line continues the entry above it.
    """
    in_comment = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if in_comment:
            end = line.find("-->")
            if end < 0:
                continue
            line = line[end + 3 :]
            in_comment = False
        while True:
            start = line.find("<!")
            if start < 0:
                break
            end = line.find("-->", start)
            if end < 0:
                line = line[:start]
                in_comment = True
                break
            line = line[:start] + line[end + 3 :]
        line = _strip_comment(line)
        if line.strip():
            yield number, line


def _strip_comment(line: str) -> str:
    """The line without a `#` or `;` comment (a `#` inside [...] is a code: `[###]`)."""
    depth = 0
    for index, char in enumerate(line):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char in "#;" and depth == 0:
            return line[:index].rstrip()
    return line.rstrip()


def _split_words(phrase: str) -> tuple[str, ...]:
    """Upper-case words of a dictionary phrase (`_` and blanks separate; hyphens are tokens)."""
    words: list[str] = []
    for chunk in phrase.replace("_", " ").upper().split():
        words.extend(part for part in _HYPHEN_RE.sub(" - ", chunk).split() if part)
    return tuple(words)


def _token_word(token: Token) -> str:
    return token.text.upper().replace("\u2019", "'")


def _plurals(word: str) -> list[str]:
    """Regular plurals as PETRARCH makes them: +S, Y -> IES, SS -> SES."""
    if word.endswith("SS"):
        return [word + "ES"]
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return [word[:-1] + "IES"]
    return [word + "S"]


def _parse_date(text: str) -> date | None:
    """YYYYMMDD or YYMMDD (years up to 30 are 20YY); None when malformed."""
    text = text.strip()
    if not _DATE_RE.match(text):
        return None
    if len(text) == 6:
        year = int(text[:2])
        text = f"{2000 + year if year <= 30 else 1900 + year}{text[2:]}"
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _clean_code(text: str) -> str:
    return text.strip().upper()


def _valid_actor_code(code: str) -> bool:
    return bool(code) and (code in {NULL_CODE, "+++", DISCARD_CODE} or code.replace("/", "").isalnum())


# -- actors and agents --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatedCode:
    """An actor code valid between two days (either may be open)."""

    code: str
    after: date | None = None  # valid on and after this day
    before: date | None = None  # valid on and before this day

    def holds(self, day: date) -> bool:
        """True when the code applies on `day`."""
        return (self.after is None or day >= self.after) and (self.before is None or day <= self.before)


@dataclass(slots=True)
class ActorEntry:
    """One actor record: its phrases share a default code and date restrictions."""

    origin: str  # file:line
    phrase: str
    default: str | None = None
    restrictions: list[DatedCode] = field(default_factory=list)

    def code_on(self, day: date | None) -> str | None:
        """The code on `day`: the first restriction that holds, else the default."""
        if day is not None:
            for restriction in self.restrictions:
                if restriction.holds(day):
                    return restriction.code
        if self.default is not None:
            return self.default
        if day is None and self.restrictions:
            return self.restrictions[-1].code
        return None


@dataclass(frozen=True, slots=True)
class AgentEntry:
    """One agent phrase: its code goes before (`NGO~`) or after (`~GOV`) the actor's."""

    origin: str
    phrase: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class _Phrase:
    words: tuple[str, ...]
    gaps: tuple[bool, ...]  # gaps[i]: other words may come between word i-1 and word i
    entry: ActorEntry | AgentEntry


class PhraseIndex:
    """Phrases indexed by their first word, longest first."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[_Phrase]] = {}

    def add(
        self, words: tuple[str, ...], entry: ActorEntry | AgentEntry, gaps: tuple[bool, ...] = ()
    ) -> None:
        """Index one phrase (`gaps` marks where other words may intervene)."""
        if not words:
            return
        bucket = self._by_first.setdefault(words[0], [])
        bucket.append(_Phrase(words, gaps or (False,) * len(words), entry))

    def finish(self) -> None:
        """Sort each bucket longest phrase first (call once after loading)."""
        for bucket in self._by_first.values():
            bucket.sort(key=lambda phrase: -len(phrase.words))

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._by_first.values())

    def match_at(self, words: Sequence[str], position: int) -> tuple[int, _Phrase] | None:
        """The longest phrase starting at `position`: (index after its last word, phrase)."""
        for phrase in self._by_first.get(words[position], ()):
            end = _match_words(phrase, words, position)
            if end is not None:
                return end, phrase
        return None

    def scan(self, words: Sequence[str], skip: set[int] | None = None) -> list[tuple[int, int, _Phrase]]:
        """Left-to-right longest matches: (start, end, phrase), positions in `skip` not starting one."""
        found: list[tuple[int, int, _Phrase]] = []
        position = 0
        while position < len(words):
            if skip and position in skip:
                position += 1
                continue
            match = self.match_at(words, position)
            if match is None:
                position += 1
                continue
            end, phrase = match
            found.append((position, end, phrase))
            position = end
        return found


def _match_words(phrase: _Phrase, words: Sequence[str], position: int) -> int | None:
    index = position + 1
    for word, gap in zip(phrase.words[1:], phrase.gaps[1:], strict=True):
        if gap:
            while index < len(words) and words[index] != word:
                index += 1
        if index >= len(words) or words[index] != word:
            return None
        index += 1
    return index


def _phrase_tokens(head: Token) -> list[Token]:
    """The head with its own modifiers, in text order (as the actors stage reads a phrase)."""
    chosen = {head}
    for child in head.lefts:
        if child.dep_ in _LEFT_DEPS:
            chosen.update(child.subtree)
    for child in head.rights:
        if child.dep_ in _RIGHT_DEPS:
            chosen.update(child.subtree)
    if len(chosen) > _MAX_PHRASE:
        chosen = {token for token in chosen if abs(token.i - head.i) < _MAX_PHRASE // 2}
    return sorted(chosen, key=lambda token: token.i)


def _combine(actor: str | None, agents: Sequence[AgentEntry]) -> str | None:
    """An actor code with agent codes added as PETRARCH does, skipping codes already present."""
    if actor is None and not agents:
        return None
    prefixes = "".join(agent.prefix for agent in agents)
    code = actor if actor is not None else ""
    present = {code[i : i + 3] for i in range(0, len(code), 3)}
    for agent in agents:
        for i in range(0, len(agent.suffix), 3):
            part = agent.suffix[i : i + 3]
            if part not in present:
                code += part
                present.add(part)
    if actor is None:
        code = (NULL_CODE + code) if code else ""
    pre = "".join(p for i in range(0, len(prefixes), 3) if (p := prefixes[i : i + 3]) not in present)
    return (pre + code) or None


@dataclass(slots=True)
class PetrarchActors:
    """Loaded actor and agent dictionaries; implements `tocsin.actors.ActorDictionary`."""

    actors: PhraseIndex = field(default_factory=PhraseIndex)
    agents: PhraseIndex = field(default_factory=PhraseIndex)
    files: list[str] = field(default_factory=list)

    def code_phrase(self, tokens: Sequence[Token], head: Token, day: date | None) -> tuple[str, str] | None:
        """The CAMEO code of a noun phrase on `day`, with the dictionary entries behind it."""
        return self._code(list(tokens), head, day, depth=0)

    def knows(self, head: Token) -> bool:
        """True when the dictionaries code the noun phrase headed by `head` (on any day)."""
        return self._code(_phrase_tokens(head), head, None, depth=0) is not None

    def _code(self, tokens: list[Token], head: Token, day: date | None, depth: int) -> tuple[str, str] | None:
        if not tokens:
            return None
        words, owners = _words_of(tokens)
        actor_matches = self.actors.scan(words)
        covered = {i for start, end, _ in actor_matches for i in range(start, end)}
        agent_matches = self.agents.scan(words, covered)
        reasons: list[str] = []
        actor_code: str | None = None
        chosen = _nearest(actor_matches, owners, head) or self._reaching(tokens, head)
        if chosen is not None:
            entry = chosen.entry
            assert isinstance(entry, ActorEntry)
            actor_code = entry.code_on(day)
            if actor_code is not None:
                reasons.append(f"actor '{entry.phrase}' ({entry.origin})")
        agents: list[AgentEntry] = []
        for _, _, phrase in agent_matches:
            agent = phrase.entry
            assert isinstance(agent, AgentEntry)
            agents.append(agent)
            reasons.append(f"agent '{agent.phrase}' ({agent.origin})")
        if actor_code is None and agents and depth < 3:
            # "soldiers from Gondor", "the government of Gondor": the country of the complement.
            for prep in head.rights:
                if prep.dep_ != "prep" or prep.lower_ not in _PP_PREPS:
                    continue
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        inner = self._code(_phrase_tokens(pobj), pobj, day, depth + 1)
                        if inner is not None and not inner[0].startswith(NULL_CODE):
                            actor_code = inner[0]
                            reasons.append(f"'{prep.text} {pobj.text}': {inner[1]}")
                            break
                if actor_code is not None:
                    break
        if actor_code in {NULL_CODE, "+++"} and not agents:
            return None
        if actor_code is not None and "/" in actor_code:
            actor_code = actor_code.split("/")[0]  # one code per mention: the first of A/B/C
        code = _combine(actor_code, agents)
        if code is None:
            return None
        return code, "; ".join(reasons)

    def _reaching(self, tokens: list[Token], head: Token) -> _Phrase | None:
        """An actor phrase that starts at the head and runs on into its complement
        ("Prince of Dol Amroth", where the parse makes "of Dol Amroth" a prepositional phrase)."""
        last = tokens[-1].i
        following = [t for t in head.doc[last + 1 : min(head.right_edge.i + 1, last + 8)]]
        if not following:
            return None
        words, owners = _words_of([*tokens, *following])
        for start, end, phrase in self.actors.scan(words):
            span = owners[start:end]
            if head in span and span[-1].i > last:
                return phrase
        return None


def _words_of(tokens: Sequence[Token]) -> tuple[list[str], list[Token]]:
    """Upper-case words of the tokens ("Dol_Amroth" gives two) and the token of each word."""
    words: list[str] = []
    owners: list[Token] = []
    for token in tokens:
        text = _token_word(token)
        parts = text.replace("_", " ").split() if "_" in text and text.strip("_") else [text]
        for part in parts:
            words.append(part)
            owners.append(token)
    return words, owners


def _nearest(matches: list[tuple[int, int, _Phrase]], tokens: list[Token], head: Token) -> _Phrase | None:
    """The actor match covering the head, else the nearest one before it, else the first."""
    if not matches:
        return None
    before: _Phrase | None = None
    for start, end, phrase in matches:
        span = tokens[start:end]
        if head in span:
            return phrase
        if span[-1].i < head.i:
            before = phrase
    return before or matches[0][2]


def _parse_restriction(text: str) -> DatedCode | None:
    """`CODE`, `CODE <DATE`, `CODE >DATE` or `CODE D1-D2`; None when malformed."""
    parts = text.split(None, 1)
    if not parts:
        return None
    code = _clean_code(parts[0])
    if not _valid_actor_code(code):
        return None
    if len(parts) == 1:
        return DatedCode(code)
    rest = parts[1].replace(" ", "")
    if rest.startswith("<"):
        day = _parse_date(rest[1:])
        return DatedCode(code, before=day) if day else None
    if rest.startswith(">"):
        day = _parse_date(rest[1:])
        return DatedCode(code, after=day) if day else None
    low, dash, high = rest.partition("-")
    first, last = _parse_date(low), _parse_date(high)
    if not dash or first is None or last is None:
        return None
    return DatedCode(code, after=first, before=last)


@dataclass(slots=True)
class _Problems:
    found: list[DictionaryError] = field(default_factory=list)

    def add(self, path: str, line: int, reason: str) -> None:
        error = DictionaryError(path, line, reason)
        LOGGER.warning("skipped malformed dictionary entry: %s", error)
        self.found.append(error)


def _load_actors(path: Path, text: str, into: PetrarchActors, problems: _Problems) -> None:
    """Read an actor file into `into.actors`."""
    name = path.name
    entry: ActorEntry | None = None
    for number, line in _content_lines(text):
        indented = line[:1] in {" ", "\t"}
        stripped = line.strip()
        if indented and stripped.startswith("["):
            if entry is None:
                problems.add(str(path), number, "date restriction with no actor above it")
                continue
            for inner in _BRACKET_RE.findall(stripped):
                restriction = _parse_restriction(inner)
                if restriction is None:
                    problems.add(str(path), number, f"malformed code or date restriction [{inner}]")
                elif restriction.after is None and restriction.before is None:
                    entry.default = restriction.code
                else:
                    entry.restrictions.append(restriction)
            continue
        synonym = stripped.startswith("+")
        body = stripped[1:] if synonym else stripped
        phrase_text = body.split("[", 1)[0].strip()
        if body.count("[") != body.count("]"):
            problems.add(str(path), number, "unbalanced brackets")
            continue
        words = _split_words(phrase_text)
        if not words:
            problems.add(str(path), number, "no phrase before the code")
            continue
        if not synonym or entry is None:
            entry = ActorEntry(origin=f"{name}:{number}", phrase=phrase_text.replace("_", " ").strip())
        codes = _BRACKET_RE.findall(body)
        bad = False
        for inner in codes:
            restriction = _parse_restriction(inner)
            if restriction is None:
                problems.add(str(path), number, f"malformed code [{inner}]")
                bad = True
            elif restriction.after is None and restriction.before is None:
                entry.default = restriction.code
            else:
                entry.restrictions.append(restriction)
        if bad and not synonym:
            entry = None
            continue
        into.actors.add(words, entry)


def _substitutions(line: str) -> tuple[str, list[str]] | None:
    name, equals, values = line.partition("=")
    name = name.strip()
    if not equals or not (name.startswith("!") and name.endswith("!") and len(name) > 2):
        return None
    items = [value.strip().upper() for value in values.split(",") if value.strip()]
    return (name.upper(), items) if items else None


def _load_agents(path: Path, text: str, into: PetrarchActors, problems: _Problems) -> None:
    """Read an agent file into `into.agents`."""
    name = path.name
    substitutions: dict[str, list[str]] = {}
    for number, line in _content_lines(text):
        stripped = line.strip()
        found = _substitutions(stripped)
        if found is not None:
            substitutions[found[0]] = found[1]
            continue
        codes = _BRACKET_RE.findall(stripped)
        if len(codes) != 1:
            problems.add(str(path), number, "an agent needs exactly one [code]")
            continue
        raw_code = codes[0].replace(" ", "").upper()
        if raw_code.count("~") != 1 or not raw_code.replace("~", "").isalnum():
            problems.add(str(path), number, f"agent code [{codes[0]}] needs one '~' and letters")
            continue
        prefix, suffix = ("", raw_code[1:]) if raw_code.startswith("~") else (raw_code[:-1], "")
        if (prefix and not raw_code.endswith("~")) or len(prefix or suffix) % 3:
            problems.add(str(path), number, f"agent code [{codes[0]}] is not whole three-letter codes")
            continue
        head = stripped.split("[", 1)[0]
        phrase, _, plural_text = head.partition("{")
        plural_text, closed, _ = plural_text.partition("}")
        if "{" in head and not closed:
            problems.add(str(path), number, "unclosed {plural}")
            continue
        phrase = phrase.strip()
        if not phrase:
            problems.add(str(path), number, "no phrase before the code")
            continue
        forms = _expand_substitutions(phrase.upper(), substitutions)
        if forms is None:
            problems.add(str(path), number, "unknown !substitution! marker")
            continue
        entry = AgentEntry(f"{name}:{number}", phrase.replace("_", " "), prefix, suffix)
        variants: list[str] = []
        for form in forms:
            variants.append(form)
            if "{" not in head and "!" not in phrase:
                words = _split_words(form)
                if words:
                    variants.extend(
                        form.rstrip("_ ")[: -len(words[-1])] + plural for plural in _plurals(words[-1])
                    )
        variants.extend(plural.strip() for plural in plural_text.split() if plural.strip())
        for variant in variants:
            words, gaps = _agent_words(variant)
            into.agents.add(words, entry, gaps)


def _expand_substitutions(phrase: str, substitutions: dict[str, list[str]]) -> list[str] | None:
    forms = [phrase]
    for _ in range(4):
        marker = re.search(r"![A-Z0-9]+!", forms[0])
        if marker is None:
            return forms
        values = substitutions.get(marker.group(0))
        if values is None:
            return None
        forms = [form.replace(marker.group(0), value, 1) for form in forms for value in values]
    return forms


def _agent_words(phrase: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Words of an agent phrase and where other words may come between (a blank, not `_`)."""
    words: list[str] = []
    gaps: list[bool] = []
    for chunk_index, chunk in enumerate(phrase.strip().upper().split()):
        for part_index, part in enumerate(_split_words(chunk)):
            words.append(part)
            gaps.append(chunk_index > 0 and part_index == 0)
    return tuple(words), tuple(gaps)


# -- verbs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Element:
    kind: str  # "word", "synset", "source", "target", "compound", "skip"
    value: tuple[str, ...] = ()  # the words of a word element; the synset name
    glued: bool = False  # adjacent to the element nearer the verb


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One pattern of a verb block."""

    before: tuple[_Element, ...]  # nearest the verb first
    after: tuple[_Element, ...]  # nearest the verb first
    code: str
    origin: str
    order: int

    @property
    def specificity(self) -> int:
        """How many words, synsets and slots the pattern names."""
        return sum(len(e.value) if e.kind == "word" else 1 for e in (*self.before, *self.after))

    def names_negation(self, synsets: dict[str, list[tuple[_Element, ...]]]) -> bool:
        """True when the pattern itself contains a negation ("WILL NOT *")."""
        for element in (*self.before, *self.after):
            if element.kind == "word" and _NEGATIONS & set(element.value):
                return True
            if element.kind == "synset":
                for member in synsets.get(element.value[0], []):
                    if any(e.kind == "word" and _NEGATIONS & set(e.value) for e in member):
                        return True
        return False


@dataclass(slots=True)
class VerbBlock:
    """A verb block: its default code and its patterns."""

    code: str
    origin: str
    patterns: list[VerbPattern] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class VerbForm:
    """A verb (maybe several words) of a block, with its own code if it has one."""

    before: tuple[str, ...]  # words right before the verb word
    after: tuple[str, ...]  # words right after it (particles)
    code: str | None
    block: VerbBlock
    origin: str


def _verb_forms(word: str) -> set[str]:
    """Regular English forms of a verb (as PETRARCH generates them)."""
    forms = {word, word + "S", word + "ED", word + "ING"}
    if word.endswith("E"):
        forms |= {word + "D", word[:-1] + "ING"}
    if word.endswith(("S", "SH", "CH", "X", "Z", "O")):
        forms.add(word + "ES")
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        forms |= {word[:-1] + "IES", word[:-1] + "IED"}
    if len(word) > 2 and word[-1] not in "AEIOUWXY" and word[-2] in "AEIOU" and word[-3] not in "AEIOU":
        forms |= {word + word[-1] + "ED", word + word[-1] + "ING"}
    return forms


def _parse_elements(text: str) -> list[tuple[str, bool]]:
    """Pattern items in text order with whether each is joined to the previous by `_`."""
    items: list[tuple[str, bool]] = []
    for chunk in text.replace("(", " ").replace(")", " ").replace("{", " ").replace("}", " ").split():
        for index, part in enumerate(chunk.split("_")):
            if part:
                items.append((part.upper(), index > 0))
            elif index > 0 and items:
                pass  # "WORD_" at the end: nothing follows
    return items


def _element(item: str, glued: bool) -> _Element | None:
    kinds = {"$": "source", "+": "target", "%": "compound", "^": "skip"}
    if item in kinds:
        return _Element(kinds[item], (), glued)
    if item.startswith("&"):
        return _Element("synset", (item,), glued)
    words = _split_words(item)
    return _Element("word", words, glued) if words else None


def _parse_pattern(text: str) -> tuple[tuple[_Element, ...], tuple[_Element, ...]] | None:
    """(before, after) elements, each nearest the verb first; None without exactly one `*`."""
    items = _parse_elements(text)
    stars = [i for i, (item, _) in enumerate(items) if item == "*"]
    if len(stars) != 1:
        return None
    star = stars[0]
    before: list[_Element] = []
    for index in range(star - 1, -1, -1):
        item, _ = items[index]
        glued_to_next = items[index + 1][1]  # the next item (toward the verb) joined to this one
        element = _element(item, glued_to_next)
        if element is None:
            return None
        before.append(element)
    after: list[_Element] = []
    for item, glued in items[star + 1 :]:
        element = _element(item, glued)
        if element is None:
            return None
        after.append(element)
    return tuple(before), tuple(after)


def _parse_codes(text: str) -> list[str] | None:
    """`[A]` or `[A:B]` -> codes; `---` null, `###` discard; None when malformed."""
    codes = [part.strip().upper() for part in text.strip().removeprefix(":").split(":")]
    if not 1 <= len(codes) <= 2:
        return None
    for code in codes:
        if code not in {NULL_CODE, DISCARD_CODE, "+++"} and not _CODE_RE.match(code.rstrip("?")):
            return None
    return [code.rstrip("?") for code in codes]


@dataclass(slots=True)
class PetrarchVerbs:
    """Loaded verb dictionaries and discard lists; implements `tocsin.events.VerbPatterns`."""

    by_form: dict[str, list[VerbForm]] = field(default_factory=dict)
    by_lemma: dict[str, list[VerbForm]] = field(default_factory=dict)
    synsets: dict[str, list[tuple[_Element, ...]]] = field(default_factory=dict)
    sentence_discards: list[tuple[str, bool]] = field(default_factory=list)  # (phrase, stem)
    story_discards: list[tuple[str, bool]] = field(default_factory=list)
    actors: PetrarchActors | None = None
    files: list[str] = field(default_factory=list)

    # -- matching ---------------------------------------------------------------------------
    def discarded(self, sentence: Span) -> bool:
        """True when a discard phrase occurs in the sentence (or a story discard in its text)."""
        return _contains(" " + sentence.text.upper(), self.sentence_discards) or _contains(
            " " + sentence.doc.text.upper(), self.story_discards
        )

    def match(self, sentence: Span) -> list[PatternMatch]:
        """Every verb of `sentence` that a pattern codes, with the slots it filled."""
        if self.discarded(sentence):
            return []
        context = _SentenceContext(sentence, self)
        found: list[tuple[Token, list[PatternMatch]]] = []
        for token in sentence:
            if not (token.tag_.startswith("VB") or token.pos_ == "VERB"):
                continue
            result = self._match_verb(token, context)
            if result is None:
                continue
            if result == []:
                return []  # a discard pattern ([###]) drops the sentence
            found.append((token, result))
        matches: list[PatternMatch] = []
        for token, result in found:
            # A statement verb whose complement clause carries another coded verb ("X said Y
            # restored ties") gives way to it, as PETRARCH keeps only the innermost event.
            verbal = all(m.code[:2] in {"01", "02"} for m in result)
            if verbal and any(_in_complement(other, token) for other, _ in found if other != token):
                continue
            matches.extend(result)
        return matches

    def _forms_for(self, token: Token) -> list[VerbForm]:
        word = _token_word(token)
        forms = list(self.by_form.get(word, ()))
        for form in self.by_lemma.get(token.lemma_.upper(), ()):
            if form not in forms:
                forms.append(form)
        return forms

    def _match_verb(self, verb: Token, context: _SentenceContext) -> list[PatternMatch] | None:
        """Matches for one verb; None if no pattern codes it; [] if it discards the sentence."""
        words = context.words
        offset = context.offset
        position = verb.i - offset
        for form in self._forms_for(verb):
            start = position - len(form.before)
            end = position + 1 + len(form.after)
            if start < 0 or tuple(words[start:position]) != form.before:
                continue
            if tuple(words[position + 1 : end]) != form.after:
                particles = {_token_word(c) for c in verb.children if c.dep_ == "prt"}
                if not form.after or not set(form.after) <= particles:
                    continue
                end = position + 1
            best: tuple[VerbPattern, dict[str, Token]] | None = None
            for pattern in form.block.patterns:
                if best is not None and pattern.specificity < best[0].specificity:
                    continue
                slots = context.match_pattern(pattern, start, end, verb)
                if slots is None:
                    continue
                if best is None or pattern.specificity > best[0].specificity:
                    best = (pattern, slots)
            if best is not None:
                pattern, slots = best
                code_text, origin = pattern.code, pattern.origin
            else:
                if _is_negated(verb):
                    return None  # a negated verb is coded only by a pattern that names the negation
                slots = {}
                code_text = form.code or form.block.code
                origin = form.origin
            codes = code_text.split(":")
            if codes[0] == DISCARD_CODE:
                return []
            if best is not None and _is_negated(verb) and not best[0].names_negation(self.synsets):
                return None
            return self._build(verb, codes, slots, origin, context)
        return None

    def _build(
        self, verb: Token, codes: list[str], slots: dict[str, Token], origin: str, context: _SentenceContext
    ) -> list[PatternMatch] | None:
        if codes[0] in {NULL_CODE, "+++"}:
            return None
        source = slots.get("source")
        target = slots.get("target")
        compound = slots.get("compound")
        passive = any(child.dep_ in {"nsubjpass", "auxpass"} for child in verb.children)
        if compound is not None:
            if source is None and target is None and compound.i < verb.i:
                source = target = compound  # "X and Y agree": events between the members
            elif target is None:
                target = compound
            elif source is None:
                source = compound
        if source is None and passive and not any(c.dep_ == "agent" for c in verb.children):
            source = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            if target is None and source is not None:
                target = context.first_actor_after(verb, exclude=source)
        if target is None and "target" not in slots:
            if passive and any(c.dep_ == "agent" for c in verb.children):
                target = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            else:
                target = context.first_actor_after(verb, exclude=source)
        if target is None and len(codes) == 2 and source is None:
            subject = _subject(verb)
            if subject is not None and any(c.dep_ == "conj" for c in subject.children):
                source = target = subject  # "X and Y renewed ties" [064:064]: both ways
        if source is None and self.actors is not None:
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]
            if len(subjects) > 1 and not self.actors.knows(subjects[0]):
                # "Lions, tigers, and Gondor welcomed": a subject the parse split off.
                source = next((t for t in subjects[1:] if self.actors.knows(t)), None)
        if source is None:
            subject = _subject(verb)
            if subject is not None and subject != subject_of(verb):
                source = subject  # the events stage would not find it
        matches = [PatternMatch(verb, codes[0], source, target, origin)]
        if len(codes) == 2 and codes[1] not in {NULL_CODE, "+++", DISCARD_CODE} and target is not None:
            back_source = source if source is not None else _subject(verb)
            if back_source is not None and back_source != target:
                matches.append(PatternMatch(verb, codes[1], target, back_source, origin + " (reverse)"))
        return matches


def _subject(verb: Token) -> Token | None:
    """The verb's subject; through "is about to", "was seen to" when the parse hides it."""
    found = subject_of(verb)
    current = verb
    for _ in range(4):
        if found is not None:
            return found
        if current.dep_ not in {"xcomp", "acomp", "ccomp", "conj", "advcl"} or current.head == current:
            return None
        current = current.head
        found = next((c for c in current.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}), None)
    return found


def _in_complement(inner: Token, outer: Token) -> bool:
    """True when `inner` heads a clause that is (part of) a complement of the verb `outer`."""
    current = inner
    for _ in range(8):
        if current.dep_ not in {"ccomp", "xcomp", "acomp", "parataxis", "advcl", "conj", "pcomp", "prep"}:
            return False
        current = current.head
        if current == outer:
            return True
        if current.pos_ not in {"VERB", "AUX", "ADP", "ADJ"} or current.head == current:
            return False
    return False


def _coordination_root(token: Token) -> Token:
    """The first of coordinated nouns ("Gondor" for "Osgiliath" in "Gondor and Osgiliath")."""
    for _ in range(12):
        if token.dep_ != "conj" or token.head == token:
            break
        token = token.head
    return token


def _is_negated(verb: Token) -> bool:
    """Negated as the events stage judges it (this matcher owns negation for its verbs)."""
    return is_negated(verb)


def _contains(text: str, phrases: Iterable[tuple[str, bool]]) -> bool:
    for phrase, stem in phrases:
        index = text.find(" " + phrase)
        while index >= 0:
            end = index + 1 + len(phrase)
            if stem or end >= len(text) or not text[end].isalnum():
                return True
            index = text.find(" " + phrase, index + 1)
    return False


class _SentenceContext:
    """One sentence's words and noun phrases, computed once for all its verbs."""

    def __init__(self, sentence: Span, verbs: PetrarchVerbs) -> None:
        self.sentence = sentence
        self.verbs = verbs
        self.offset = sentence.start
        self.words = [_token_word(token) for token in sentence]
        self._phrases: list[tuple[int, int, Token, bool]] | None = None

    def phrases(self) -> list[tuple[int, int, Token, bool]]:
        """Noun phrases as (start, end, head, coded by the dictionaries), positions in the sentence."""
        if self._phrases is None:
            found: list[tuple[int, int, Token, bool]] = []
            actors = self.verbs.actors
            for token in self.sentence:
                if token.pos_ not in {"NOUN", "PROPN", "PRON", "NUM"}:
                    continue
                if token.dep_ in {"compound", "flat", "poss", "amod", "nmod", "nummod"}:
                    continue
                tokens = _phrase_tokens(token)
                start = max(tokens[0].i, self.sentence.start) - self.offset
                end = min(tokens[-1].i, self.sentence.end - 1) - self.offset + 1
                known = actors is not None and actors.knows(token)
                found.append((start, end, token, known))
            self._phrases = found
        return self._phrases

    def first_actor_after(self, verb: Token, exclude: Token | None) -> Token | None:
        """The first coded noun phrase after the verb within its subtree."""
        right = verb.right_edge.i - self.offset
        for start, _end, head, known in self.phrases():
            if known and start > verb.i - self.offset and start <= right and head != exclude:
                return head
        return None

    # -- pattern matching ---------------------------------------------------------------------
    def match_pattern(
        self, pattern: VerbPattern, start: int, end: int, verb: Token
    ) -> dict[str, Token] | None:
        """The slots a pattern binds around the verb (words start..end), or None if it fails."""
        slots: dict[str, Token] = {}
        right = max(verb.right_edge.i - self.offset + 1, end)
        if not self._match_side(pattern.after, 0, end, right, 1, slots):
            return None
        if not self._match_side(pattern.before, 0, start - 1, 0, -1, slots):
            return None
        return slots

    def _match_side(
        self,
        elements: Sequence[_Element],
        index: int,
        position: int,
        limit: int,
        step: int,
        slots: dict[str, Token],
    ) -> bool:
        """Match elements[index:] starting at `position`, moving by `step` (1 right, -1 left)."""
        if index == len(elements):
            return True
        element = elements[index]
        candidates = [position] if element.glued else self._positions(position, limit, step)
        for candidate in candidates:
            for after, bound in self._match_element(element, candidate, limit, step):
                saved = dict(slots)
                if bound is not None:
                    slots[element.kind] = bound
                if self._match_side(elements, index + 1, after, limit, step, slots):
                    return True
                slots.clear()
                slots.update(saved)
        return False

    def _positions(self, position: int, limit: int, step: int) -> range:
        if step > 0:
            return range(position, min(limit, len(self.words)))
        return range(position, max(limit, 0) - 1, -1)

    def _match_element(
        self, element: _Element, position: int, limit: int, step: int
    ) -> Iterator[tuple[int, Token | None]]:
        """(next position, bound token) for each way the element matches at `position`."""
        if position < 0 or position >= len(self.words):
            return
        if step > 0 and position >= limit:
            return
        if element.kind == "word":
            end = _match_sequence(self.words, position, element.value, step)
            if end is not None:
                yield end, None
            return
        if element.kind == "synset":
            for member in self.verbs.synsets.get(element.value[0], []):
                yield from self._match_member(member, position, step)
            return
        for start, end, head, known in self.phrases():
            edge = start if step > 0 else end - 1
            if edge != position and not (step > 0 and start <= position < end):
                continue
            if element.kind != "skip" and not known:
                continue
            bound = None if element.kind == "skip" else _coordination_root(head)
            yield (end if step > 0 else start - 1), bound
            return

    def _match_member(
        self, member: tuple[_Element, ...], position: int, step: int
    ) -> Iterator[tuple[int, None]]:
        """A synset member (consecutive words, or nested synsets) at `position`."""
        if step < 0:
            # Matching leftwards: find a start such that the member ends at `position`.
            for begin in range(position, max(-1, position - 8), -1):
                for end, _ in self._match_member(member, begin, 1):
                    if end == position + 1:
                        yield begin - 1, None
            return
        ends = [position]
        for element in member:
            next_ends: list[int] = []
            for at in ends:
                if element.kind == "word":
                    found = _match_sequence(self.words, at, element.value, 1)
                    if found is not None:
                        next_ends.append(found)
                elif element.kind == "synset":
                    for inner in self.verbs.synsets.get(element.value[0], []):
                        next_ends.extend(end for end, _ in self._match_member(inner, at, 1))
            ends = next_ends
            if not ends:
                return
        for end in ends:
            yield end, None


def _match_sequence(words: Sequence[str], position: int, wanted: tuple[str, ...], step: int) -> int | None:
    """Consecutive words at `position` (moving by `step`): the position after them, or None."""
    if step > 0:
        if tuple(words[position : position + len(wanted)]) == wanted:
            return position + len(wanted)
        return None
    start = position - len(wanted) + 1
    if start >= 0 and tuple(words[start : position + 1]) == wanted:
        return start - 1
    return None


def _load_synset_member(text: str, no_plural: bool) -> list[tuple[_Element, ...]]:
    """A synset member and its plural (unless the member or the synset ends with `_`)."""
    stripped = text.strip()
    keep = no_plural or stripped.endswith("_")
    elements: list[_Element] = []
    for item, glued in _parse_elements(stripped):
        element = _element(item, glued)
        if element is None or element.kind not in {"word", "synset"}:
            return []
        elements.append(element)
    if not elements:
        return []
    # Consecutive words form one sequence: merge word elements.
    merged: list[_Element] = []
    for element in elements:
        if merged and element.kind == "word" and merged[-1].kind == "word":
            merged[-1] = _Element("word", merged[-1].value + element.value)
        else:
            merged.append(_Element(element.kind, element.value))
    variants = [tuple(merged)]
    last = merged[-1]
    if not keep and last.kind == "word":
        for plural in _plurals(last.value[-1]):
            variants.append((*merged[:-1], _Element("word", (*last.value[:-1], plural))))
    return variants


def _load_verbs(path: Path, text: str, into: PetrarchVerbs, problems: _Problems) -> None:
    """Read a verb dictionary: synsets, verb blocks, verb forms and patterns."""
    name = path.name
    block: VerbBlock | None = None
    synset: str | None = None
    synset_no_plural = False
    order = 0
    for number, line in _content_lines(text):
        stripped = line.strip()
        origin = f"{name}:{number}"
        header = re.match(r"^(---|###)\s+(.*?)\s*(---|###)?\s*$", stripped)
        if header:
            synset = None
            codes = _BRACKET_RE.findall(header.group(2))
            parsed = _parse_codes(codes[0]) if codes else [NULL_CODE]
            if parsed is None:
                problems.add(str(path), number, f"malformed block code [{codes[0]}]")
                parsed = [NULL_CODE]
            _register(parsed, origin)
            block = VerbBlock(":".join(parsed), origin)
            continue
        if stripped.startswith("&"):
            label = stripped.split()[0].upper()
            synset_no_plural = label.endswith("_")
            synset = "&" + label[1:].rstrip("_")
            into.synsets.setdefault(synset, [])
            continue
        if stripped.startswith("+") and synset is not None:
            members = _load_synset_member(stripped[1:], synset_no_plural)
            if not members:
                problems.add(str(path), number, f"malformed synset member {stripped!r}")
                continue
            into.synsets[synset].extend(members)
            continue
        if stripped.startswith("-"):
            synset = None
            if block is None:
                problems.add(str(path), number, "pattern outside a verb block")
                continue
            codes = _BRACKET_RE.findall(stripped)
            parsed = _parse_codes(codes[-1]) if codes else None
            parts = _parse_pattern(stripped[1:].split("[", 1)[0])
            if parsed is None or parts is None:
                problems.add(str(path), number, "malformed pattern (needs one * and a valid [code])")
                continue
            undefined = [
                e for e in (*parts[0], *parts[1]) if e.kind == "synset" and e.value[0] not in into.synsets
            ]
            if undefined:
                problems.add(str(path), number, f"undefined synset {undefined[0].value[0]}")
                continue
            _register(parsed, origin)
            order += 1
            block.patterns.append(
                VerbPattern(parts[0], parts[1], ":".join(parsed), f"{origin} '{stripped}'", order)
            )
            continue
        synset = None
        if block is None:
            problems.add(str(path), number, "verb outside a verb block")
            continue
        if not _add_verb(stripped, block, origin, into):
            problems.add(str(path), number, f"malformed verb line {stripped!r}")
    for bucket in (*into.by_form.values(), *into.by_lemma.values()):
        bucket.sort(key=lambda form: -(len(form.before) + len(form.after)))


def _register(codes: Sequence[str], origin: str) -> None:
    for code in codes:
        if code not in {NULL_CODE, DISCARD_CODE, "+++"} and not cameo.is_valid(code):
            cameo.register_dictionary_code(code, origin)


def _verb_parts(text: str) -> tuple[tuple[str, ...], str, tuple[str, ...]] | None:
    """(words before, the verb word, words after) of `WORD`, `+BREAK_DOWN`, `WIRE_+TAP`."""
    words = [w for w in text.replace("_", " ").split() if w]
    if not words:
        return None
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    index = marked[0] if marked else 0
    words = [w.lstrip("+").upper() for w in words]
    if not all(words):
        return None
    return tuple(words[:index]), words[index], tuple(words[index + 1 :])


def _add_verb(line: str, block: VerbBlock, origin: str, into: PetrarchVerbs) -> bool:
    codes = _BRACKET_RE.findall(line)
    own: str | None = None
    if codes:
        parsed = _parse_codes(codes[0])
        if parsed is None:
            return False
        _register(parsed, origin)
        own = ":".join(parsed)
    head = line.split("[", 1)[0]
    main, _, irregular = head.partition("{")
    irregular = irregular.split("}", 1)[0]
    parts = _verb_parts(main)
    if parts is None:
        return False
    before, word, after = parts
    form = VerbForm(before, after, own, block, f"{origin} '{main.strip()}'")
    for surface in _verb_forms(word):
        into.by_form.setdefault(surface, []).append(form)
    into.by_lemma.setdefault(word, []).append(form)
    for variant in irregular.split():
        other = _verb_parts(variant)
        if other is None:
            continue
        extra = VerbForm(other[0], other[2], own, block, form.origin)
        into.by_form.setdefault(other[1], []).append(extra)
    return True


def _load_discards(path: Path, text: str, into: PetrarchVerbs, problems: _Problems) -> None:
    for number, line in _content_lines(text):
        stripped = line.strip()
        story = stripped.startswith("+")
        phrase = stripped[1:].strip() if story else stripped
        if not phrase or "[" in phrase:
            problems.add(str(path), number, f"malformed discard {stripped!r}")
            continue
        stem = not phrase.endswith("_")
        words = " ".join(phrase.replace("_", " ").upper().split())
        (into.story_discards if story else into.sentence_discards).append((words, stem))


# -- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadedDictionaries:
    """What a set of dictionary files gives the pipeline."""

    actors: tuple[ActorDictionary, ...] = ()
    verbs: tuple[VerbPatterns, ...] = ()
    problems: tuple[DictionaryError, ...] = ()  # malformed entries, reported and skipped


def dictionary_kind(path: Path, text: str) -> str:
    """`actors`, `agents`, `verbs`, `discards` or `issues`, from the file's content (or name)."""
    lines = [line.strip() for _, line in _content_lines(text)]
    if any(re.match(r"^(---|###)\s.*(---|###)$", line) for line in lines):
        return "verbs"
    if any(line.upper().startswith("<ISSUE") or re.match(r"^[nv~]+:", line) for line in lines[:50]):
        return "issues"
    coded = [line for line in lines if "[" in line]
    if any(re.search(r"\[\s*~|~\s*\]", line) for line in coded) or any(
        _substitutions(line) for line in lines[:50]
    ):
        return "agents"
    name = path.name.lower()
    for kind in ("verbs", "agents", "discards", "actors"):
        if kind.rstrip("s") in name:
            return kind
    if not coded:
        return "discards"
    return "actors"


_CACHE: dict[tuple[tuple[str, int, int], ...], LoadedDictionaries] = {}


def load_dictionaries(paths: Sequence[str | Path]) -> LoadedDictionaries:
    """Load PETRARCH/TABARI dictionary files (the kind is told from the file's content).

    Malformed entries are skipped and listed in `problems`; an unreadable file raises
    DictionaryError. Loading the same unchanged files again returns the cached result.
    """
    if not paths:
        return LoadedDictionaries()
    resolved = [Path(path) for path in paths]
    key_parts: list[tuple[str, int, int]] = []
    for path in resolved:
        try:
            status = path.stat()
        except OSError as error:
            raise DictionaryError(str(path), 0, f"cannot read: {error.strerror or error}") from error
        key_parts.append((str(path.resolve()), status.st_mtime_ns, status.st_size))
    key = tuple(key_parts)
    if key in _CACHE:
        return _CACHE[key]
    actors = PetrarchActors()
    verbs = PetrarchVerbs(actors=actors)
    problems = _Problems()
    texts = [(path, _read(path)) for path in resolved]
    for path, text in texts:
        kind = dictionary_kind(path, text)
        LOGGER.info("loading %s as a PETRARCH %s dictionary", path, kind)
        if kind == "actors":
            _load_actors(path, text, actors, problems)
            actors.files.append(str(path))
        elif kind == "agents":
            _load_agents(path, text, actors, problems)
            actors.files.append(str(path))
        elif kind == "verbs":
            _load_verbs(path, text, verbs, problems)
            verbs.files.append(str(path))
        elif kind == "discards":
            _load_discards(path, text, verbs, problems)
            verbs.files.append(str(path))
        else:
            problems.add(str(path), 0, f"{kind} dictionaries are not used by tocsin; file skipped")
    actors.actors.finish()
    actors.agents.finish()
    loaded = LoadedDictionaries(
        actors=(actors,) if actors.files else (),
        verbs=(verbs,) if verbs.files else (),
        problems=tuple(problems.found),
    )
    _CACHE[key] = loaded
    return loaded
