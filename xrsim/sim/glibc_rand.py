"""glibc's ``rand()``, in Python, so that the XRBench reference's random draws can be
replayed on any platform.

The reference calls the C library's ``srand``/``rand``. glibc implements them with
``random_r`` of TYPE_3: an additive lagged-Fibonacci generator of degree 31 and separation
3 over 32-bit words. ``srand(s)`` fills the state with r[0] = s (1 for s = 0) and
r[i] = 16807 r[i-1] mod (2^31 - 1) for i < 31, then r[i] = r[i-31] for i = 31..33; after
that r[i] = r[i-31] + r[i-3] (mod 2^32). The first 310 values are discarded, and each
``rand()`` returns r[i] >> 1 (0 ... RAND_MAX = 2^31 - 1). Described in glibc's
``stdlib/random_r.c`` and, step by step, in Peter Selinger's note "The GLIBC random number
generator" (2007).
"""

from __future__ import annotations

from collections import deque

RAND_MAX = 2**31 - 1
_DEGREE, _SEPARATION, _DISCARD = 31, 3, 310
_MASK = 2**32 - 1


class GlibcRand:
    """One ``srand(seed)``-seeded stream of ``rand()`` values."""

    def __init__(self, seed: int) -> None:
        seed &= _MASK  # srand takes an unsigned int, which random_r reads as a signed one
        word = (seed - 2**32 if seed >= 2**31 else seed) or 1
        state = [word]
        for _ in range(1, _DEGREE):
            # glibc's Schrage form of 16807 w mod (2^31 - 1) never leaves (-m, m); adding m
            # to a negative result is Python's non-negative modulo
            word = 16807 * word % RAND_MAX
            state.append(word)
        state = [w & _MASK for w in state]
        state += state[:_SEPARATION]  # r[31..33] = r[0..2]
        self._window: deque[int] = deque(state[-_DEGREE:], maxlen=_DEGREE)
        for _ in range(_DISCARD):
            self._step()

    def _step(self) -> int:
        value = (self._window[0] + self._window[-_SEPARATION]) & _MASK
        self._window.append(value)
        return value

    def rand(self) -> int:
        return self._step() >> 1
