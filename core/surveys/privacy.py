"""What a survey's results may show: the participation dashboard's k, for every viewer.

A count (a question's answers, the respondents) is published only when at least k persons
make it up. A breakdown (the cross-tabulation) hides its groups of fewer than k persons and,
because the question's totals are public, as many more as it takes for the hidden groups to
be at least two that together number at least k: then neither "total minus the groups
shown" nor a second hidden group gives a small group away."""

from __future__ import annotations

from core.dashboard.filters import DEFAULT_K

K = DEFAULT_K  # the dashboard's smallest group shown


def publishable(persons: int, k: int = K) -> bool:
    """A figure made up of `persons` persons may be shown: none, or at least k."""
    return persons == 0 or persons >= k


def hidden_groups(sizes: dict, k: int = K) -> set:
    """The groups of a breakdown to hide ({group: persons}): each under k persons, then the
    smallest others (ties by name) until at least two are hidden and they hold at least k
    persons between them, or every group is hidden. With two groups and one small, both
    are hidden."""
    hidden = {g for g, n in sizes.items() if 0 < n < k}
    shown = sorted((n, str(g), g) for g, n in sizes.items() if n > 0 and g not in hidden)
    while hidden and shown and (len(hidden) < 2 or sum(sizes[g] for g in hidden) < k):
        hidden.add(shown.pop(0)[2])
    return hidden
