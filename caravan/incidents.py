"""Placeholder, replaced by the real extractor."""


def extract_incidents(article):
    return []
