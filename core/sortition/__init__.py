"""Stratified sortition: draw a panel of k residents that meets demographic quotas, as fairly
as the quotas allow.

Fairness is that of Flanigan et al., "Fair algorithms for selecting citizens' assemblies"
(Nature 596, 2021): among all probability distributions over quota-meeting panels, use one
that is *leximin*: it maximises the smallest selection probability any pool member has, then
the second smallest, and so on. Every probability here is a number in [0, 1]; every count
(k, quota bounds, pool sizes) is a number of persons.

How (exact, not a heuristic; every LP and MILP is scipy's HiGHS, linprog and milp):

1. Types. Only the features that have quotas matter, so pool members with the same values of
   those features are interchangeable: group them into types t with n_t members. A panel's
   *composition* is the integer vector x (0 <= x_t <= n_t, sum x_t = k, each quota's bounds
   met by the sum of x_t over the types having that value). Drawing x_t of a type's n_t
   members uniformly gives each of them probability x_t / n_t. Any distribution over panels
   can be symmetrised within types without lowering any level of the leximin order, so an
   optimum over compositions is an optimum over panels: member probability = E[x_t] / n_t.
2. Target. Leximin over the *fractional* compositions (the LP relaxation): per level one LP
   maximising the smallest unfixed y_t / n_t; types with a positive dual are at that level in
   every optimum (complementary slackness) and get fixed, or all unfixed types at once when
   the seats left cannot lift them all. Mixtures of whole compositions lie inside the
   relaxation, so this target is at least as good in the leximin order as anything
   attainable, and it *is* the leximin optimum as soon as some mixture attains it.
3. Mixture. Peel whole compositions off the target (greedy Caratheodory): find a composition
   on the smallest face of the relaxation holding the remainder (usually by moving a person or
   two from the previous one, else by MILP), subtract as much of it as keeps the remainder
   inside; each step makes another constraint tight, so at most #types + #quotas + 1 steps.
   If the remainder reaches a face with no whole composition, the last steps are reweighed by
   column generation (LP master, MILP pricing on that face; 16, then 128 steps released).
   The target is then met within 1e-8 persons per type.
4. Fallback, when that fails (rare: the target is then usually not attainable, because the
   relaxation has fractional corners where it matters): Flanigan et al.'s own algorithm on
   types, leximin directly over mixtures of whole compositions by column generation (an LP
   master over the compositions known, warm-started with the peeled ones, whose duals price
   new ones by MILP; dual-based level fixing as in 2).
   Slower, equally exact. `max_levels` caps the leximin levels in 2 and 4 (after the cap the
   distribution is still maximin optimal); it is deterministic, unlike a time limit, so the
   same seed draws the same panel on any machine.
5. Draw: a numpy Generator(seed) picks one composition with the mixture's weights, then x_t
   members of each type uniformly without replacement (same Generator).

Infeasible quotas are diagnosed before any optimisation: the cheap counting checks first, then
a MILP feasibility check per quota relaxation, so the error names the quota to change.

Errors are SortitionError (an InvalidInput) with these message keys and parameters:
  sortition.bad_k (k), sortition.missing_person_id (), sortition.duplicate_person (person_id),
  sortition.pool_too_small (k, pool), sortition.unknown_feature (feature),
  sortition.bad_quota (feature, value), sortition.minimums_exceed_k (feature, total, k),
  sortition.quota_infeasible (feature, value, minimum, maximum, available),
  sortition.maximums_below_k (feature, total, k), sortition.quotas_infeasible (),
  sortition.bad_share (feature, value), sortition.bad_slack (slack).
"""
