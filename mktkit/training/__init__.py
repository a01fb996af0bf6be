"""The training course's exercise checker: ``mk.training.check("02.3", answer)``.

Each exercise of the course notebooks (``notebooks/01_*.ipynb`` .. ``07_*.ipynb``) has its
solution here, in the library, as a small function of the sample company's tables. ``check``
computes the expected answer from the solution, compares the learner's answer with the rule the
exercise declares (a number within a tolerance, a text, a set, a mapping) and says *right* or
*not yet* with a hint, never printing the expected value. ``build_solutions`` writes copies of
the notebooks with every exercise filled in from the solutions (``mktkit course --solutions``).

Examples
--------
>>> from mktkit import training
>>> result = training.check("00.1", 0.25)       # the demonstration exercise: 1 of 4 is...
>>> bool(result), result.message
(True, 'Right!')
>>> result = training.check("00.1", 25)
>>> bool(result)
False
>>> print(result.message)
Not yet. You gave a percentage: the kit writes rates as fractions (0.25, not 25).
>>> print(training.check("00.1", ..., lang="zh").message)
还没有作答：把 answer = ... 换成你的计算。
"""

from mktkit.training.core import (
    CheckResult,
    Exercise,
    build_solutions,
    check,
    exercise,
    exercises,
    hint,
    solution_code,
)

__all__ = [
    "CheckResult",
    "Exercise",
    "build_solutions",
    "check",
    "exercise",
    "exercises",
    "hint",
    "solution_code",
]
