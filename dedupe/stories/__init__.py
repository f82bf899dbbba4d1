"""Stories: copies of one report. shingles -> sketch (one-permutation MinHash) -> index (banded
LSH) -> grouping (verified links, union-find: ``StoryIndex``, ``group_stories``); features (what
is compared), pair_evidence (why two texts are or are not copies), shared (the index several
processes share through a DocStore and a BandStore)."""
