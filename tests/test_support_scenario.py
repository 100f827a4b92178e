"""The scenario loader: every shared packse file, our extensions, and errors that say where."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.version import Version

from tests.support.fixtures import all_scenario_paths, scenario_path, scenarios_dir
from tests.support.scenario import (
    DEFAULT_INDEX,
    DEFAULT_UPLOAD_TIME,
    Scenario,
    ScenarioError,
    as_scenario,
    load_scenario,
    scenario_from_dict,
)


def _shared_scenarios() -> list[Path]:
    try:
        return all_scenario_paths()
    except pytest.skip.Exception:
        return []


@pytest.mark.parametrize(
    "path", _shared_scenarios(), ids=lambda path: f"{path.parent.name}/{path.stem}"
)
def test_every_shared_scenario_loads(path):
    scenario = load_scenario(path)
    assert scenario.name
    assert scenario.source == path
    assert scenario.expected.satisfiable in (True, False)
    for package in scenario.packages.values():
        versions = [release.version for release in package.releases]
        assert versions == sorted(versions)


def test_a_packse_scenario_in_detail():
    scenario = load_scenario(scenario_path("tag_and_markers/requires-python-wheels"))
    assert scenario.root.requires == ("a==1.0.0",)
    assert scenario.root.requires_python == ">=3.10"
    (release,) = scenario.packages["a"].releases
    assert release.version == Version("1.0.0")
    assert release.requires_python == ">=3.10"
    assert release.wheel_tags == ("cp311-cp311-any", "cp310-cp310-any", "cp39-cp39-any")
    assert (release.sdist, release.wheel, release.yanked) == (True, True, None)
    assert scenario.resolver_options.universal is True
    assert scenario.environment.python == "3.12"
    assert scenario.expected.satisfiable is True


def test_expected_packages_extras_yanks_and_options():
    extras = load_scenario(scenario_path("all-extras-required"))
    (release,) = extras.packages["a"].releases
    assert dict(release.extras) == {
        "all": ("a[extra_b]", "a[extra_c]"),
        "extra_b": ("b",),
        "extra_c": ("c",),
    }
    assert dict(extras.expected.packages) == {"a": "1.0.0", "b": "1.0.0", "c": "1.0.0"}
    yanked = load_scenario(scenario_path("package-yanked-specified-mixed-available"))
    assert [r.yanked for r in yanked.packages["a"].releases] == [None, "", None, ""]
    no_binary = load_scenario(scenario_path("wheels/no-binary"))
    assert no_binary.resolver_options.no_binary == ("a",)
    only_wheels = load_scenario(scenario_path("only-wheels-no-binary"))
    assert only_wheels.packages["a"].releases[0].sdist is False


def test_scenario_path_finds_by_name_or_relative_path():
    assert scenario_path("fork/basic") == scenarios_dir() / "fork" / "basic.toml"
    assert scenario_path("fork/basic.toml") == scenario_path("fork/basic")
    assert scenario_path("backtrack-to-missing-package").parent.name == "backtracking"
    with pytest.raises(LookupError, match="matches 0 files"):
        scenario_path("no-such-scenario")


def test_a_dict_universe_needs_only_packages():
    scenario = as_scenario({"packages": {"Some_Name": {"versions": {"1.0": {}, "0.9": {}}}}})
    assert isinstance(scenario, Scenario)
    assert scenario.name == "universe"
    assert scenario.expected.satisfiable is None
    package = scenario.packages["some-name"]
    assert package.name == "Some_Name"
    assert [str(r.version) for r in package.releases] == ["0.9", "1.0"]
    assert package.releases[0].tags == ("py3-none-any",)
    assert package.releases[0].upload_time == DEFAULT_UPLOAD_TIME
    assert as_scenario(scenario) is scenario


def test_extensions_local_variants_upload_time_sdist_metadata_indexes():
    scenario = scenario_from_dict(
        {
            "packages": {
                "torch": {
                    "versions": {
                        "2.3.0": {
                            "local": ["cpu", "cu128"],
                            "upload_time": "2024-05-01T12:00:00Z",
                            "sdist_metadata": "dynamic",
                            "requires": ["numpy"],
                        },
                        "2.2.0": {"upload_time": datetime(2024, 1, 1, 8, 0)},
                    }
                }
            },
            "indexes": {
                "cu128": {"packages": {"torch": {"versions": {"2.3.0+cu128": {"yanked": "bad"}}}}}
            },
        }
    )
    releases = scenario.packages["torch"].releases
    assert [str(r.version) for r in releases] == ["2.2.0", "2.3.0", "2.3.0+cpu", "2.3.0+cu128"]
    assert releases[0].upload_time == datetime(2024, 1, 1, 8, tzinfo=UTC)
    for variant in releases[1:]:
        assert variant.upload_time == datetime(2024, 5, 1, 12, tzinfo=UTC)
        assert (variant.requires, variant.sdist_metadata) == (("numpy",), "dynamic")
    assert list(scenario.all_indexes()) == [DEFAULT_INDEX, "cu128"]
    (accelerated,) = scenario.indexes["cu128"]["torch"].releases
    assert (str(accelerated.version), accelerated.yanked) == ("2.3.0+cu128", "bad")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"packages": {"a": {"versions": {"1.0": {"requries": []}}}}}, 'packages.a.versions."1.0"'),
        ({"packages": {"a": {"versions": {"1.0": {"requries": []}}}}}, "unknown key(s) requries"),
        ({"packages": {"a": {"versions": {"one": {}}}}}, "invalid version 'one'"),
        ({"packages": {"a": {"versions": {"1": {"requires": ["b>>1"]}}}}}, "requires[0]"),
        ({"packages": {"a": {"versions": {"1": {"requires_python": "3.9"}}}}}, "invalid specifier"),
        ({"packages": {"a": {"versions": {"1": {}, "1.0": {}}}}}, "version 1.0 appears twice"),
        ({"packages": {"A": {"versions": {}}, "a": {"versions": {}}}}, "are one package"),
        ({"packages": {"a": {"versions": {"1": {"yanked": 3}}}}}, "true, false or a reason"),
        ({"packages": {"a": {"versions": {"1": {"sdist_metadata": "x"}}}}}, "static, dynamic"),
        ({"packages": {"a": {"versions": {"1": {"wheel_tags": ["py3"]}}}}}, "invalid wheel tag"),
        ({"packages": {"a": {"versions": {"1+x": {"local": ["y"]}}}}}, "cannot have local"),
        ({"packages": {"a": {"versions": {"1": {"local": ["no way"]}}}}}, "invalid local label"),
        ({"packages": {"a": {"versions": {"1": {"upload_time": "noon"}}}}}, "invalid date-time"),
        ({"indexes": {"default": {"packages": {}}}}, "name of the index at /simple/"),
        ({"resolver_options": {"universe": True}}, "key `resolver_options`"),
        ({"root": {"requires": "a"}}, "expected a list of strings"),
        ({"expected": {"satisfiable": "yes"}}, "key `expected.satisfiable`"),
        ({"packages": []}, "expected a table"),
    ],
)
def test_bad_scenarios_fail_with_the_key(data, message):
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data)
    assert message in str(caught.value)
    assert caught.value.exit_code == 2


def test_bad_files_name_the_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n")
    with pytest.raises(ScenarioError, match=r"broken\.toml`: invalid TOML"):
        load_scenario(broken)
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario(tmp_path / "missing.toml")
    typo = tmp_path / "typo.toml"
    typo.write_text('[packages.a.versions."1"]\nwheel_tag = []\n')
    with pytest.raises(ScenarioError, match=r"typo\.toml`, key `packages\.a\.versions"):
        load_scenario(typo)


def test_the_readme_example_loads(tmp_path):
    readme = (Path(__file__).parent / "support" / "README.md").read_text()
    example = readme.split("```toml\n")[1].split("```")[0]
    path = tmp_path / "example.toml"
    path.write_text(f'name = "example"\n{example}')
    scenario = load_scenario(path)
    versions = [str(r.version) for r in scenario.packages["torch"].releases]
    assert versions == ["2.3.0", "2.3.0+cpu", "2.3.0+cu128"]
    assert scenario.packages["torch"].releases[0].yanked == "broken wheel"
    assert scenario.packages["torch"].releases[2].build_requires == ("build-tool>=1",)
    assert scenario.indexes["cu128"]["torch"].releases[0].requires == ("nvidia-cudnn==9.1",)
    sources = scenario.pyproject["tool"]["ulock"]["sources"]
    assert sources == {"torch": [{"index": "cu128", "marker": "sys_platform == 'linux'"}]}
