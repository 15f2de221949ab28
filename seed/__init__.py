"""Generated data for a database: the demo community and the benchmarks' district.

A layer above core: the generators write rows directly for speed, but hash passwords, write
the audit log and freeze tallies through core, so they sit above it (pages -> components ->
core -> db; seed -> core, db). Nothing in core, components, pages or db imports seed.
"""
