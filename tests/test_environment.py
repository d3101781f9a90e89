"""The environment check says what is missing and how to fix it."""

from importlib import metadata

from course import environment, settings


def test_a_missing_package_is_reported_with_the_fix(monkeypatch):
    real = metadata.version

    def fake(name):
        if name == "librosa":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(settings.metadata, "version", fake)
    monkeypatch.setattr(environment, "device", lambda: environment.Item("device", "CPU"))
    items = {i.name: i for i in environment.report()}
    assert items["librosa"].value == "missing"
    assert items["librosa"].fix == "python -m pip install -r requirements.txt"
    text = environment.format_report(list(items.values()))
    assert "fix: python -m pip install -r requirements.txt" in text and "problem(s)" in text


def test_data_not_found_is_a_problem_with_the_expected_layout(tmp_path, monkeypatch):
    monkeypatch.setattr(environment, "device", lambda: environment.Item("device", "CPU"))
    items = {i.name: i for i in environment.report(str(tmp_path / "missing"))}
    assert items["data"].value == "not found" and "genre folders" in items["data"].fix


def test_the_sample_is_reported_as_synthetic(tiny_sample, monkeypatch):
    monkeypatch.setattr(environment, "device", lambda: environment.Item("device", "CPU"))
    text = environment.format_report(environment.report(str(tiny_sample)))
    assert "synthetic" in text and "not GTZAN results" in text and "all good" in text


def test_every_supported_python_passes_the_check_and_others_are_named():
    for version in ("3.10.14", "3.11.7", "3.12.3", "3.13.1"):
        assert environment.python_supported(version), version
    for version in ("3.9.19", "3.14.0", "2.7.18"):
        assert not environment.python_supported(version), version


def test_the_check_reports_an_unsupported_python_with_the_range(monkeypatch):
    real = settings.versions()
    monkeypatch.setattr(environment, "versions", lambda: {**real, "python": "3.9.19"})
    monkeypatch.setattr(environment, "device", lambda: environment.Item("device", "CPU"))
    items = environment.report()
    assert items[0].fix == "the course supports Python 3.10 to 3.13, as its libraries do"
