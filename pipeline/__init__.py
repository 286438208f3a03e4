"""bylines: scraped author-profile pages to clean, deduplicated, validated tables."""

__version__ = "0.1.0"
