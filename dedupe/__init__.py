"""newsdedup's clustering library: text in, stories and incidents out (numpy, no I/O, no Scrapy).

Stories (copies of one report): shingles -> sketch (one-permutation MinHash) -> index (banded
LSH) -> stories (verify + union-find). Incidents (stories of one event): evidence (amounts,
dates, names, terms across zh/en) -> incidents (rarity-weighted links in a date window).

The names below are the library's surface; the parts (band stores, sketches, shingling,
evidence extraction, the shared index) are imported from their own modules.
"""
from .features import StoryConfig, StoryDoc
from .incidents import IncidentConfig, IncidentDoc, IncidentIndex
from .stories import StoryIndex, choose_representative, group_stories

__all__ = ["IncidentConfig", "IncidentDoc", "IncidentIndex", "StoryConfig", "StoryDoc",
           "StoryIndex", "choose_representative", "group_stories"]
