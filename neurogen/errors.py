"""One exception hierarchy for everything neurogen raises on purpose."""
from __future__ import annotations


class NeurogenError(Exception):
    """Base class of all neurogen errors."""


class NoSuchEventError(NeurogenError, ValueError):
    """A monitor or pathway needs an event (``spike``) its group does not define (Brian2's ValueError)."""


class EquationError(NeurogenError, ValueError):
    """A model string (equation, threshold, reset, statement) is malformed or inconsistent."""


class ReservedNameError(EquationError, SyntaxError):
    """A model defines a name it may not (``t``, a keyword, a unit such as ``ms``, a function,
    ``pi``): a ``SyntaxError`` as in Brian2, and an ``EquationError``."""

    def __init__(self, message: str) -> None:
        SyntaxError.__init__(self, message)  # sets .msg, which SyntaxError's str() shows

    def __str__(self) -> str:
        return str(self.msg)


class SharedWriteError(EquationError, SyntaxError):
    """Code writes a shared variable after a per-element one, or from a per-element value:
    a ``SyntaxError`` as in Brian2, and an ``EquationError``."""

    def __init__(self, message: str) -> None:
        SyntaxError.__init__(self, message)

    def __str__(self) -> str:
        return str(self.msg)


class ModelSyntaxError(EquationError, SyntaxError):
    """Model text that is not valid syntax (an expression split over lines without an operator
    or bracket to continue it, a statement over two lines): a ``SyntaxError`` as in Brian2, and
    an ``EquationError``."""

    def __init__(self, message: str) -> None:
        SyntaxError.__init__(self, message)

    def __str__(self) -> str:
        return str(self.msg)


class NotAConditionError(EquationError, TypeError):
    """A threshold, refractory or ``connect()`` condition that is not a truth value (``'v'``,
    ``'i + j'``): a ``TypeError`` as in Brian2, and an ``EquationError`` (a malformed model)."""


class ReadOnlyError(NeurogenError, TypeError, AttributeError):
    """An assignment to a read-only name (``G.i = 7``, ``G.t = 5*ms``): a ``TypeError`` as in
    Brian2, and an ``AttributeError`` as Python raises for an attribute without a setter."""


class DimensionMismatchError(NeurogenError, ValueError):
    """Physical dimensions that must agree do not.

    Mirrors Brian2: ``DimensionMismatchError(description, *dims)``; the message names
    both dimensions, and ``.dims`` keeps them for code that inspects the failure.
    """

    def __init__(self, description: str, *dims: object) -> None:
        self.description = self.desc = description  # ``desc``: Brian2's name
        self.dims = dims
        super().__init__(description, *dims)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, (self.description, *self.dims)))})"

    def __str__(self) -> str:
        if not self.dims:
            return self.description
        if len(self.dims) == 1:
            return f"{self.description} (unit is {_dim_text(self.dims[0])})."
        shown = (" and ".join(_dim_text(d) for d in self.dims) if len(self.dims) == 2
                 else " ".join(f"({_dim_text(d)})" for d in self.dims))
        return f"{self.description} (units are {shown})."


def _dim_text(dim: object) -> str:
    text = str(dim)
    return text if text else "1"


class CompilationError(NeurogenError):
    """The C++ compiler or Cython failed; the message quotes the command and the log."""


class CompilerNotFoundError(CompilationError):
    """No usable C++ compiler was found on this machine."""


class CacheError(NeurogenError):
    """The compiled-build cache cannot be used as it is (e.g. its path is a file); the message names the path."""


class UntrustedCacheError(CacheError):
    """A cache folder or file could have been written by someone else, so nothing in it is loaded."""


class MisplacedCacheItemError(CacheError):
    """Something that is not what neurogen keeps there (a file where a cache folder belongs, a
    folder or FIFO where a file belongs), but that only the user could have put there."""


class DamagedCacheEntryError(CacheError):
    """A cache entry no longer matches what neurogen installed (truncated, edited, half-deleted).

    neurogen discards such an entry and builds it again; this surfaces only if that fails too.
    """


class PreferenceError(NeurogenError, TypeError):
    """A preference set to a value of the wrong type (Brian2's ``PreferenceError``; here also a
    ``TypeError``); the message names the preference and what it takes."""


class MagicError(NeurogenError):
    """Brian2's error class for problems of the magic ``run()`` (given so ``except MagicError``
    in a script works; neurogen raises its more specific errors)."""


class BrianObjectException(NeurogenError):
    """Brian2's wrapper of errors raised for an object (given for ``except`` clauses in scripts)."""


class ModelWarning(UserWarning):
    """A model that runs but probably does not mean what its author meant (``neurogen.check``):
    its message starts with the finding's code (``set-without-dynamics: ...``), so
    ``warnings.filterwarnings('ignore', message='set-without-dynamics')`` silences one kind and
    ``warnings.filterwarnings('ignore', category=ModelWarning)`` all of them."""
