"""Incidents: stories of one event. evidence (amounts, dates, names, terms as language-independent
keys; bilingual: the zh<->en lexicon behind names) -> linking (rarity-weighted links within a
date window: ``IncidentIndex``)."""
