"""The participation dashboard's data: per-resident activity counts under the filters (one
grouped SQL query; residents who did nothing count as 0), and the figures drawn from them.

Privacy: staff accounts are not residents and stay out; demographics appear only for
residents who consented to research (others are "undisclosed"); a group with fewer than k
persons is suppressed, with a second group suppressed alongside when one alone would be
given away by the total.

Speed: each view of the page is one grouped query over covering indexes, and the roster side
(who lives where, with which consented demographics) is cached per process until a resident
changes, so a filter change only re-counts events.
"""
