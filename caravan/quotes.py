"""Placeholder, replaced by the real extractor."""


def extract_quotes(article):
    return []
