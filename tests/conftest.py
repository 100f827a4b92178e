"""Shared pytest setup: hypothesis profiles and the fixture plugins under tests/support/."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.support.fixtures"]

# "default" keeps the whole suite within its time budget on a 2-core machine;
# "thorough" (HYPOTHESIS_PROFILE=thorough) runs many more examples for local hunting.
settings.register_profile(
    "default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
