"""Which names users may assign on an object, and the errors for the others.

``G.V = 0.99`` (a typo for ``v``) must not quietly create a new attribute: Brian2 refuses
every public name that is neither a variable nor an attribute the object has, and suggests
the variable meant. neurogen does the same, and also refuses attributes fixed at
construction (``threshold``, ``on_pre``, ...), which Brian2 refuses by not having them.
"""
from __future__ import annotations

import string
from typing import Any, Iterable, NoReturn

from ..errors import ReadOnlyError

_ALPHABET = string.ascii_lowercase + string.digits + "_"  # Brian2's SpellChecker alphabet


def suggest(word: str, known: Iterable[str]) -> list[str]:
    """Brian2's suggestions (``SpellChecker.suggest``): the known words one edit away, else
    those two edits away (delete, swap two neighbours, replace or insert a character of
    ``[a-z0-9_]``), sorted."""
    words = set(known)
    near = {w for w in words if _one_edit(word, w)}
    if not near:
        firsts = _edits1(word)
        near = {w for w in words if any(_one_edit(e, w) for e in firsts)}
    return sorted(near)


def _edits1(word: str) -> set[str]:
    splits = [(word[:k], word[k:]) for k in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits for c in _ALPHABET if b]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return set(deletes + swaps + replaces + inserts)


def _one_edit(word: str, other: str) -> bool:
    """Whether ``other`` is in ``_edits1(word)``, without building that set."""
    if len(other) == len(word) - 1:
        return any(word[:k] + word[k + 1:] == other for k in range(len(word)))
    if len(other) == len(word) + 1:
        return any(other[:k] + other[k + 1:] == word and other[k] in _ALPHABET for k in range(len(other)))
    if len(other) != len(word):
        return False
    diff = [k for k in range(len(word)) if word[k] != other[k]]
    if not diff:  # replacing a character by a copy of itself
        return any(c in _ALPHABET for c in word)
    if len(diff) == 1:
        return other[diff[0]] in _ALPHABET
    return len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == other[diff[1]] \
        and word[diff[1]] == other[diff[0]]


def refuse_read_only(owner: str, name: str) -> NoReturn:
    """``G.i = 7``: Brian2 raises ``TypeError("Variable i is read-only.")``; ours is also an
    ``AttributeError`` (what Python raises for an attribute without a setter)."""
    raise ReadOnlyError(f"{owner}: variable '{name}' is read-only")


def refuse_unknown(owner: str, name: str, writable: Iterable[str], fixed: Iterable[str] = (),
                   can_add: bool = True) -> NoReturn:
    """An ``AttributeError`` for ``owner.name = ...`` when ``name`` is nothing to set, with
    Brian2's "did you mean" over the names that can be set."""
    if name in set(fixed):
        raise AttributeError(f"{owner}: '{name}' is fixed at construction and cannot be changed "
                             "(create a new object instead)")
    base, suffix = (name[:-1], "_") if name.endswith("_") else (name, "")
    message = f"{owner}: could not find a state variable with name '{base}'."
    found = suggest(base, writable)
    if len(found) == 1:
        message += f" Did you mean to write '{found[0]}{suffix}'?"
    elif found:
        message += " Did you mean to write any of the following: " + ", ".join(
            f"'{f}{suffix}'" for f in found) + "?"
    if can_add:
        message += " Use the add_attribute method if you intend to add a new attribute to the object."
    raise AttributeError(message)


def check_new_attribute(obj: Any, name: str, taken: Iterable[str]) -> None:
    """``add_attribute(name)``: Brian2 refuses a name the object already has."""
    if name in obj.__dict__ or name in set(taken) or hasattr(type(obj), name):
        raise AttributeError(f"{obj.name}: already has an attribute or variable '{name}'")
