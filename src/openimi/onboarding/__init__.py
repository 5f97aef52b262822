"""Onboarding an authority (seed chapters 2 to 6): the rollout table (Resultatentabel,
Bijlage 4) with its import, export and the step that creates the users, and the onboarding
checklist for the authority's local data administrators."""
