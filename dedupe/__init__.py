"""newsdedup's clustering library: text in, stories and incidents out (numpy, no I/O, no Scrapy).

Stories (copies of one report): shingles -> sketch (one-permutation MinHash) -> index (banded
LSH) -> stories (verify + union-find). Incidents (stories of one event): evidence (amounts,
dates, names, terms across zh/en) -> incidents (rarity-weighted links in a date window).

The names below are the library's surface; the parts (band stores, sketches, shingling,
evidence extraction, the shared index) are imported from their own modules.
"""
from .incidents.linking import IncidentConfig, IncidentDoc, IncidentIndex
from .stories.features import StoryConfig, StoryDoc
from .stories.grouping import StoryIndex, choose_representative, group_stories

__all__ = ["IncidentConfig", "IncidentDoc", "IncidentIndex", "StoryConfig", "StoryDoc",
           "StoryIndex", "choose_representative", "group_stories"]
