"""Words of a tool name: tokens, verbs, singular and plural forms.

`create_issue`, `createIssue`, `issue-create` and `Issue.Create` all read as the words
`create issue`. A verb is a word from `VERBS`; "or"/"and" join two verbs into one
(`create_or_update_file`: verb `create_or_update`, noun `file`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERB_WORDS = """
    activate add analyze append apply approve archive assign attach ban batch block browse build
    calculate call cancel check clear clone close compare complete compute configure confirm
    convert copy count create deactivate decline delete deploy describe detach diff disable
    dismiss download duplicate edit enable evaluate execute explain export fetch filter find
    finish follow fork format generate get grant import index insert install invite invoke join
    kick leave like link list load lock login logout lookup mark merge modify move mute notify
    open patch pause pin ping post preview print publish pull purge push put query read rebuild
    refresh register reject reload remove rename render reopen reorder replace reply request
    reset resolve restart restore resume retrieve retry revert revoke rotate run save scan
    schedule search send set share show sign snooze sort star start stop submit subscribe
    summarize suspend sync tag toggle track transfer translate trigger unarchive unassign unban
    unblock unfollow uninstall unlike unlink unlock unmute unpin unregister unstar unsubscribe
    untag unwatch update upgrade upload upsert validate verify view watch write
"""
VERBS = frozenset(_VERB_WORDS.split())
JOINERS = frozenset({"or", "and"})
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def words(name: str) -> tuple[str, ...]:
    """The lowercase words of a name: split at non-alphanumerics and camelCase humps."""
    out: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        out.extend(w.lower() for w in _CAMEL.findall(chunk))
    return tuple(out)


def singular(word: str) -> str:
    """A plain English singular (`issues` -> `issue`, `repositories` -> `repository`)."""
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "uses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ous")):
        return word
    return word[:-1]


def plural(word: str) -> str:
    """The plural of a singular noun (`issue` -> `issues`, `entity` -> `entities`)."""
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh", "z")):
        return word + "es"
    return word + "s"


@dataclass(frozen=True, slots=True)
class Reading:
    """How a name reads: a namespace, a verb and nouns (each a tuple of words)."""

    name: str
    words: tuple[str, ...]
    namespace: tuple[str, ...]
    verb: tuple[str, ...]
    nouns: tuple[str, ...]  # singular forms

    def candidates(self) -> tuple[tuple[str, ...], ...]:
        """Candidate group keys, coarsest first: the namespace plus ever more nouns."""
        if not self.nouns:
            return (self.namespace,) if self.namespace else ()
        return tuple(self.namespace + self.nouns[:k] for k in range(1, len(self.nouns) + 1))

    def fallbacks(self) -> tuple[tuple[str, ...], ...]:
        """Keys to use when no candidate is shared: the last noun, then the namespace alone."""
        out: list[tuple[str, ...]] = []
        if len(self.nouns) > 1:
            out.append(self.namespace + self.nouns[-1:])
        if self.namespace and self.nouns:
            out.append(self.namespace)
        return tuple(out)


def _verb_span(ws: tuple[str, ...], start: int) -> int:
    """End (exclusive) of the verb starting at `start`, with "or"/"and"-joined verbs."""
    end = start + 1
    while end + 1 < len(ws) and ws[end] in JOINERS and ws[end + 1] in VERBS:
        end += 2
    return end


def read(name: str, namespaces: frozenset[str] = frozenset()) -> Reading:
    ws = words(name) or (name.lower(),)
    namespace: tuple[str, ...] = ()
    body = ws
    if len(ws) >= 3 and ws[0] in namespaces:
        namespace, body = ws[:1], ws[1:]
    verb: tuple[str, ...] = ()
    nouns = body
    if body and body[0] in VERBS:
        end = _verb_span(body, 0)
        verb, nouns = body[:end], body[end:]
    elif len(body) > 1 and body[-1] in VERBS:
        verb, nouns = body[-1:], body[:-1]
    elif not namespace:
        mid = next((i for i in range(1, len(body) - 1) if body[i] in VERBS), None)
        if mid is not None:
            end = _verb_span(body, mid)
            namespace, verb, nouns = body[:mid], body[mid:end], body[end:]
    return Reading(name, ws, namespace, verb, tuple(singular(w) for w in nouns))


def namespaces(names: list[str]) -> frozenset[str]:
    """First words that act as a namespace: words a verb follows in two or more names
    (`jira_create_issue`, `jira_get_issue`), and a first word nearly every name shares."""
    before_verb: dict[str, int] = {}
    first: dict[str, int] = {}
    for name in names:
        ws = words(name)
        if not ws:
            continue
        first[ws[0]] = first.get(ws[0], 0) + 1
        if len(ws) >= 3 and ws[0] not in VERBS and ws[1] in VERBS:
            before_verb[ws[0]] = before_verb.get(ws[0], 0) + 1
    found = {w for w, n in before_verb.items() if n >= 2}
    found |= {w for w, n in first.items() if len(names) >= 4 and n >= 0.9 * len(names)}
    return frozenset(w for w in found if w not in VERBS)
