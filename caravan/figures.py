"""Placeholder, replaced by the real extractor."""


def extract_figures(article):
    return []
