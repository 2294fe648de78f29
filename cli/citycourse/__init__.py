"""citycourse: tailored capacity-building courses for city staff, built from YAML."""

__version__ = "0.2.0"
