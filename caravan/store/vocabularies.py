"""Controlled vocabularies of the published tables (EVALUATION.md)."""

INCIDENT_TYPES = (
    "terror_attack", "assault", "murder", "arson", "vandalism", "eviction", "raid", "detention",
    "deportation", "arrest", "threat", "discrimination", "harassment", "travel_advisory", "protest", "other",
)
DATE_PRECISIONS = ("day", "month", "year")
UNITS = ("USD", "percent", "persons")  # money in another currency keeps its ISO 4217 code as unit
INDICATORS = ("remittances_usd", "remittances_share_of_gdp", "migrant_population", "gdp_usd", "other")
COUNT_KINDS = ("killed", "injured", "victims", "arrested")
QUALIFIERS = ("exact", "at_least", "over", "more_than", "about", "nearly", "less_than", "up_to")

__all__ = ["INCIDENT_TYPES", "DATE_PRECISIONS", "UNITS", "INDICATORS", "COUNT_KINDS", "QUALIFIERS"]
