import dataclasses

import pytest

from locator.config import Config


def test_every_setting_has_help_text():
    missing = [f.name for f in dataclasses.fields(Config) if not f.metadata.get("help", "").strip()]
    assert missing == []


def test_environment_overrides_defaults():
    cfg = Config.from_env(env={"LOCATOR_MAX_PER_PAGE": "50", "LOCATOR_TESTING": "yes", "LOCATOR_WEIGHT_TEXT": "0.5"})
    assert (cfg.max_per_page, cfg.testing, cfg.weight_text) == (50, True, 0.5)


def test_explicit_overrides_win_over_environment():
    cfg = Config.from_env(overrides={"max_per_page": 7}, env={"LOCATOR_MAX_PER_PAGE": "50"})
    assert cfg.max_per_page == 7


def test_bad_environment_value_is_one_clear_error():
    with pytest.raises(SystemExit, match="LOCATOR_MAX_PER_PAGE='many' is not a valid int"):
        Config.from_env(env={"LOCATOR_MAX_PER_PAGE": "many"})
