"""Raw captures: every fetched response as WARC records, indexed as CDXJ."""
