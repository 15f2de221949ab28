"""The participation dashboard's data: per-resident activity counts under the filters (one
grouped SQL query; residents who did nothing count as 0), and the figures drawn from them.

Privacy: staff accounts are not residents and stay out; demographics appear only for
residents who consented to research (others are "undisclosed"); a group with fewer than k
persons is suppressed, with the next smallest groups suppressed alongside until the hidden
ones are at least two and hold k or more persons together, so that no total or share gives
one away by subtraction (core.analytics.suppressed); the per-person export is for
researchers only and k-anonymous on its quasi-identifiers (core.dashboard.exports).

Speed: each view of the page is one grouped query over covering indexes, and the roster side
(who lives where, with which consented demographics) is cached per process until a resident
changes, so a filter change only re-counts events.
"""
