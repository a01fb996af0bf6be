"""What an event funnel asks, independent of the engine that answers it.

:class:`FunnelSpec` holds the steps (each a set of event names), the window and the mode, and
derives what both engines (:mod:`mktkit.funnel.duckdb_engine`, :mod:`mktkit.funnel.pandas_engine`) need: a
number for every event name in the funnel, and for every name the *signature*, the bitmask of
the steps it can fill (bit ``j - 1`` for step ``j``).

It also answers the one question that is not a join: how far a chain can advance *inside one
block*, a block being all the funnel events of one user at one timestamp. Because one event row
fills at most one step, "can steps ``j..m`` all be filled at this timestamp" is a bipartite
matching of steps to rows. Blocks are summarised by how many rows of each signature they hold
(capped at the number of steps, more is never needed), the engines collect the few distinct
patterns that occur, and :func:`block_reach` solves each pattern once.

Examples
--------
>>> spec = FunnelSpec.build(["visit", ["view_product", "search"], "visit"], window="7D")
>>> spec.labels
('visit', 'view_product | search', 'visit')
>>> spec.names, spec.name_sigs        # visit fills steps 1 and 3: bits 0 and 2
(('visit', 'view_product', 'search'), (5, 2, 2))
>>> spec.overlapping
True
>>> block_reach({5: 2, 2: 1}, n_steps=3, start=1)   # two visits and a view at one instant
3
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mktkit.errors import InputError, check_argument

MODES = ("ordered", "strict", "unordered")


class FunnelWarning(UserWarning):
    """A funnel was computed, but something in its input deserves a look."""


#: ClickHouse keeps at most 32 conditions; a funnel longer than that is a mistake anyway.
MAX_STEPS = 32


def parse_window(window: Any) -> int | None:
    """The window as integer nanoseconds, or None for no limit.

    Accepts a pandas offset string (``"7D"``, ``"2h"``, ``"30min"``), a
    :class:`datetime.timedelta` or :class:`pandas.Timedelta`. A bare number is refused: its
    unit would be a guess.

    Examples
    --------
    >>> parse_window("1D")
    86400000000000
    >>> parse_window(None) is None
    True
    """
    import pandas as pd

    if window is None:
        return None
    fix = 'give a positive duration such as "7D", "24h" or "30min", or None for no limit'
    if isinstance(window, bool) or isinstance(window, int | float):
        raise InputError(f"window {window!r} has no unit", column="window", fix=fix)
    if not isinstance(window, str | dt.timedelta | pd.Timedelta):
        raise InputError(f"window {window!r} is not a duration", column="window", fix=fix)
    try:
        td = pd.Timedelta(window)
    except (ValueError, TypeError):
        raise InputError(f"window {window!r} is not a duration", column="window", fix=fix) from None
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise InputError(f"window {window!r} is not a positive duration", column="window", fix=fix)
    return int(td.value)


def _event_code(name: Any) -> Any:
    """An integer event code as the text every engine matches it by (``1003`` -> ``"1003"``,
    as an integer event column reads); anything else unchanged."""
    if isinstance(name, numbers.Integral) and not isinstance(name, bool):
        return str(int(name))
    return name


def _step_names(step: Any, position: int) -> tuple[str, ...]:
    where = f"steps[{position}]"
    step = _event_code(step)
    if isinstance(step, str):
        names: tuple[Any, ...] = (step,)
    elif isinstance(step, Sequence | set | frozenset) and not isinstance(step, bytes):
        names = tuple(_event_code(n) for n in step)
    else:
        raise InputError(
            f"{where} is {step!r}, not an event name or a list of names",
            column="steps",
            fix="give each step as an event name or a list of names (any of them fills it)",
        )
    if not names or not all(isinstance(n, str) and n for n in names):
        raise InputError(
            f"{where} must hold non-empty event names, got {step!r}",
            column="steps",
            fix="give each step as an event name or a list of names (any of them fills it)",
        )
    return tuple(dict.fromkeys(names))  # a name listed twice in one step is the same name


@dataclass(frozen=True)
class FunnelSpec:
    """A validated funnel definition shared by the engines.

    Attributes
    ----------
    labels : tuple of str
        One display label per step (the name, or the names joined by ``" | "``).
    step_names : tuple of tuple of str
        The event names of each step.
    names : tuple of str
        Every distinct event name of the funnel; name number ``k`` is ``names[k - 1]``.
    name_sigs : tuple of int
        The signature (bitmask of steps) of each name, aligned with ``names``.
    window_ns : int or None
        The window in nanoseconds; None is no limit.
    mode : {"ordered", "strict", "unordered"}
    strict_increase : bool
    """

    labels: tuple[str, ...]
    step_names: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]
    name_sigs: tuple[int, ...]
    window_ns: int | None
    mode: str = "ordered"
    strict_increase: bool = False

    @classmethod
    def build(
        cls,
        steps: Sequence[Any] | Mapping[str, Any],
        window: Any = "7D",
        mode: str = "ordered",
        strict_increase: bool = False,
    ) -> FunnelSpec:
        """Check and normalise the user's arguments (see :func:`mktkit.funnel.funnel`)."""
        check_argument("mode", MODES, mode)
        if not isinstance(strict_increase, bool):
            raise InputError(
                f"strict_increase must be True or False, got {strict_increase!r}",
                column="strict_increase",
            )
        if strict_increase and mode == "unordered":
            raise InputError(
                "strict_increase applies to ordered steps, not to mode='unordered'",
                column="strict_increase",
                fix="use mode='ordered' or mode='strict', or drop strict_increase",
            )
        if isinstance(steps, str) or not isinstance(steps, Sequence | Mapping):
            raise InputError(
                f"steps must be a list of steps, got {steps!r}",
                column="steps",
                fix='give at least two steps, e.g. ["visit", "purchase"]',
            )
        if isinstance(steps, Mapping):
            labels = tuple(str(k) for k in steps)
            step_names = tuple(_step_names(v, i) for i, v in enumerate(steps.values(), 1))
        else:
            step_names = tuple(_step_names(v, i) for i, v in enumerate(steps, 1))
            labels = tuple(" | ".join(names) for names in step_names)
        if len(step_names) < 2:
            raise InputError(
                f"a funnel needs at least 2 steps, got {len(step_names)}",
                column="steps",
                fix='give at least two steps, e.g. ["visit", "purchase"]',
            )
        if len(step_names) > MAX_STEPS:
            raise InputError(
                f"a funnel has at most {MAX_STEPS} steps, got {len(step_names)}", column="steps"
            )
        names = tuple(dict.fromkeys(n for step in step_names for n in step))
        sigs = tuple(
            sum(1 << j for j, step in enumerate(step_names) if name in step) for name in names
        )
        return cls(
            labels=labels,
            step_names=step_names,
            names=names,
            name_sigs=sigs,
            window_ns=parse_window(window),
            mode=mode,
            strict_increase=strict_increase,
        )

    @property
    def n_steps(self) -> int:
        return len(self.step_names)

    @property
    def overlapping(self) -> bool:
        """True when some event name fills more than one step (a repeated step)."""
        return any(sig & (sig - 1) for sig in self.name_sigs)

    @property
    def sig_classes(self) -> tuple[int, ...]:
        """The distinct signatures, sorted: rows of one class are interchangeable."""
        return tuple(sorted(set(self.name_sigs)))

    def names_of_sig(self, sig: int) -> tuple[int, ...]:
        """Name numbers (1-based) whose signature is ``sig``."""
        return tuple(i for i, s in enumerate(self.name_sigs, 1) if s == sig)

    def steps_of_sig(self, sig: int) -> tuple[int, ...]:
        """Step numbers (1-based) that a row with signature ``sig`` can fill."""
        return tuple(j for j in range(1, self.n_steps + 1) if sig >> (j - 1) & 1)


def block_reach(pattern: Mapping[int, int], n_steps: int, start: int) -> int:
    """The last step reachable inside one block when the chain needs step ``start`` next.

    ``pattern`` maps a signature to the number of rows of that signature in the block. The
    answer is the largest ``m`` such that steps ``start..m`` can each be given a different row
    whose signature contains the step; ``start - 1`` when step ``start`` has no row at all.
    Steps are added one by one with an augmenting path (Kuhn's algorithm): a block holds at
    most ``n_steps`` useful rows per signature, so this is tiny.

    Examples
    --------
    Steps ``[a, b|c, b]`` at one instant holding ``a``, ``b`` and ``c``: ``c`` must take step 2
    so that ``b`` can take step 3.

    >>> a, bc_b, c_only = 0b001, 0b110, 0b010   # signatures of a, b (steps 2 and 3), c
    >>> block_reach({a: 1, bc_b: 1, c_only: 1}, n_steps=3, start=1)
    3
    >>> block_reach({bc_b: 1}, n_steps=3, start=2)    # one b cannot fill steps 2 and 3
    2
    """
    slots: list[int] = []
    for sig, count in sorted(pattern.items()):
        slots.extend([sig] * min(int(count), n_steps))
    owner: list[int | None] = [None] * len(slots)  # slot -> step that holds it

    def assign(step: int, seen: set[int]) -> bool:
        for k, sig in enumerate(slots):
            if sig >> (step - 1) & 1 and k not in seen:
                seen.add(k)
                holder = owner[k]
                if holder is None or assign(holder, seen):
                    owner[k] = step
                    return True
        return False

    reach = start - 1
    for step in range(start, n_steps + 1):
        if not assign(step, set()):
            break
        reach = step
    return reach


def reach_table(patterns: Any, spec: FunnelSpec, starts: Sequence[int]) -> Any:
    """For each distinct block pattern and start step, the step reached inside the block.

    ``patterns`` is a DataFrame of capped row counts ``c0, c1, ...`` per signature class
    (:attr:`FunnelSpec.sig_classes`), one row per distinct pattern that occurs in the data: a
    handful, never the events. Returns columns ``c0.., j, e`` for the starts that the block can
    serve (``e >= j``).
    """
    import pandas as pd

    classes = spec.sig_classes
    cols = [f"c{i}" for i in range(len(classes))]
    out = []
    for counts in patterns[cols].itertuples(index=False, name=None):
        pattern = {sig: int(c) for sig, c in zip(classes, counts, strict=True) if c}
        for j in starts:
            e = block_reach(pattern, spec.n_steps, j)
            if e >= j:
                out.append((*counts, j, e))
    return pd.DataFrame(out, columns=[*cols, "j", "e"]).astype("int64")
