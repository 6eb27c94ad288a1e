"""pricinglab's exceptions, raised alike by every backend.

The native engine (``pricinglab._native``) raises these very classes (it imports this module),
the WebAssembly bridge turns a thrown JS ``Error`` into them, and the pure-Python reference
raises them through the engine's own checks (:func:`pricinglab._engine.validate`). Messages are
the engine's: they name the parameter and the rule, e.g. ``spot must be > 0 (got -1)``.
"""

from __future__ import annotations

__all__ = ["PricingError", "PricingTypeError"]


class PricingError(ValueError):
    """An argument broke a documented rule; the message names the parameter and the rule.

    A subclass of :class:`ValueError`. ``status`` is the batch status code of the rule (an
    index into :data:`pricinglab.STATUS_MESSAGES`; 11 when no more specific code applies).

    Examples
    --------
    >>> import pricinglab as pl
    >>> try:
    ...     pl.black_scholes("call", -1, 100, 1, 0.05, 0, 0.2)
    ... except pl.PricingError as e:
    ...     print(e, e.status)
    spot must be > 0 (got -1) 2
    """

    def __init__(self, message: str, status: int = 11) -> None:
        super().__init__(message)
        self.status = status


class PricingTypeError(PricingError, TypeError):
    """An argument of the wrong type: both a :class:`TypeError` and a :class:`ValueError`.

    The message names the parameter and the type received, e.g.
    ``spot must be a number (got str)``.
    """
