"""Small helpers over the dependency parse shared by the events and attribution stages."""

from __future__ import annotations

from spacy.tokens import Token

# The dependency labels of a clause's grammatical subject, active or passive.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Documents whose acts belong to whoever issued them ("a decree banning X").
ISSUED_DOCUMENTS = {
    "decree",
    "law",
    "order",
    "resolution",
    "bill",
    "measure",
    "legislation",
    "regulation",
    "ruling",
    "directive",
    "edict",
    "ordinance",
}


def children_with(token: Token, *deps: str) -> list[Token]:
    """The token's children whose dependency label is one of `deps`."""
    return [child for child in token.children if child.dep_ in deps]


def is_passive(verb: Token) -> bool:
    """True when the verb is in the passive voice."""
    return any(child.dep_ in {"nsubjpass", "auxpass"} for child in verb.children)


def direct_object(verb: Token) -> Token | None:
    """The verb's direct object, or the subject of its passive."""
    found = children_with(verb, "nsubjpass") if is_passive(verb) else children_with(verb, "dobj", "obj")
    return found[0] if found else None


def subject_of(verb: Token, depth: int = 0) -> Token | None:
    """The semantic subject of a verb, following conjunctions, control and relative clauses."""
    if depth > 6:
        return None
    if is_passive(verb):
        for agent in children_with(verb, "agent"):
            for pobj in children_with(agent, "pobj"):
                return pobj
        return None
    subjects = children_with(verb, "nsubj", "csubj")
    if subjects:
        return subjects[0]
    for auxiliary in children_with(verb, "aux"):  # a parse that hangs the subject on "been"
        subjects = children_with(auxiliary, "nsubj")
        if subjects:
            return subjects[0]
    head = verb.head
    if head == verb:
        return None
    if verb.dep_ == "xcomp":
        objects = children_with(head, "dobj")
        if objects and head.lemma_ not in {"want", "promise", "vow", "pledge"}:
            return objects[0]  # object control: "influenced the US to evacuate"
        return subject_of(head, depth + 1)
    if verb.dep_ in {"conj", "advcl", "pcomp", "acomp", "oprd"}:
        if verb.dep_ == "pcomp" and head.dep_ == "prep":
            return subject_of(head.head, depth + 1) if head.head.pos_ in {"VERB", "AUX"} else None
        return subject_of(head, depth + 1)
    if verb.dep_ in {"relcl", "acl"}:
        if verb.dep_ == "acl" and head.lemma_.lower() in ISSUED_DOCUMENTS and head.head != head:
            return subject_of(head.head, depth + 1)  # "signed a decree banning X": the signer
        return head
    return None
