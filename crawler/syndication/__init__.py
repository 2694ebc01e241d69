"""Is this text a copy of that one? The one place that decides (pure logic, no Scrapy)."""
