"""Model rules that are easy to get wrong in YAML."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from citycourse.loading import locate
from citycourse.models import CityProfile, size_band_for

CITY = {
    "id": "town", "name": "Town", "country": "VN", "population": 150_000, "languages": ["vi", "en"],
    "digital_maturity": 2, "priorities": ["civic-and-social"], "roles": {"planner": 3}, "hours_budget": 12,
    "connectivity": "offline", "start_date": "2027-01-04", "sessions_per_week": 2, "minutes_per_session": 90,
}


def test_unquoted_yaml_time_is_read_back_as_time():
    import yaml

    value = yaml.safe_load("t: 10:30")["t"]  # YAML 1.1 base-60: 630
    assert value == 630
    assert CityProfile.model_validate({**CITY, "session_start": value}).session_start == dt.time(10, 30)


@pytest.mark.parametrize("population, band", [(199_999, "small"), (200_000, "mid"), (999_999, "mid"), (1_000_000, "large")])
def test_size_bands(population, band):
    assert size_band_for(population) == band
    assert CityProfile.model_validate({**CITY, "population": population}).size_band == band


def test_size_band_must_match_population():
    with pytest.raises(ValidationError, match="does not match population 150,000"):
        CityProfile.model_validate({**CITY, "size_band": "mid"})


def test_session_days_default_and_mismatch():
    assert CityProfile.model_validate(CITY).session_days == ["tue", "thu"]
    with pytest.raises(ValidationError, match="sessions_per_week is 2 but session_days names 1"):
        CityProfile.model_validate({**CITY, "session_days": ["mon"]})


def test_headcount_must_be_positive():
    with pytest.raises(ValidationError, match="has 0 staff"):
        CityProfile.model_validate({**CITY, "roles": {"planner": 0}})


def test_locate_finds_nested_list_items():
    text = "a: 1\nb:\n  - x\n  - {c: 2, d: [5, 6]}\n"
    assert locate(text, ["b", 1, "d", 1]) == (4, 19)
    assert locate(text, ["b", 0]) == (3, 5)
    assert locate(text, ["missing"]) == (1, 1)
