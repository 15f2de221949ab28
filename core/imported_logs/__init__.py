"""Activity logs from elsewhere (another platform, a paper register), analysed with the same
measures as the community's own: `analysis` reads, checks and measures one CSV; `saved`
keeps checked uploads as named datasets to analyse again. Callers import from the module."""
