"""The page's routes, grouped by what users do: plans, versions, workflow, board, administration, the JSON API."""
