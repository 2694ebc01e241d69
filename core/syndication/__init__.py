"""Syndication: is this text a copy of that one (pure logic, no Scrapy).

``minhash`` — the text that matters (credit lines and boilerplate removed, hazm-normalised),
MinHash signatures and LSH band hashes; ``similarity`` — word-shingle containment;
``decide`` — the one place that decides (equal normalised hash, or a band candidate whose
containment reaches ``similarity.COPY_THRESHOLD``). The store keeps the bands in an indexed
table (``storage.clusters``).
"""
