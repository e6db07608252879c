"""A plan's life: derive a lower level's draft, roll to a new year, review links, issue, compare versions."""
