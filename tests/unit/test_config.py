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


def test_the_readme_lists_every_setting_as_config_defines_it():
    from pathlib import Path

    from locator.config import settings_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    documented = readme.split("<!-- settings:begin -->\n", 1)[1].split("<!-- settings:end -->", 1)[0]
    assert documented == settings_table(), "README settings table is stale: run `locator settings` and paste it"
    assert all(f"`LOCATOR_{f.name.upper()}`" in documented for f in dataclasses.fields(Config))
