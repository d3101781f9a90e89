"""The environment check says what is missing and how to fix it."""

from importlib import metadata

from course import check


def test_a_missing_package_is_reported_with_the_fix(monkeypatch):
    real = metadata.version

    def fake(name):
        if name == "librosa":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(check.metadata, "version", fake)
    monkeypatch.setattr(check, "device", lambda: check.Item("device", "CPU"))
    items = {i.name: i for i in check.report()}
    assert items["librosa"].value == "missing"
    assert items["librosa"].fix == "python -m pip install -r requirements.txt"
    text = check.format_report(list(items.values()))
    assert "fix: python -m pip install -r requirements.txt" in text and "problem(s)" in text


def test_data_not_found_is_a_problem_with_the_expected_layout(tmp_path, monkeypatch):
    monkeypatch.setattr(check, "device", lambda: check.Item("device", "CPU"))
    items = {i.name: i for i in check.report(str(tmp_path / "missing"))}
    assert items["data"].value == "not found" and "genre folders" in items["data"].fix


def test_the_sample_is_reported_as_synthetic(tiny_sample, monkeypatch):
    monkeypatch.setattr(check, "device", lambda: check.Item("device", "CPU"))
    text = check.format_report(check.report(str(tiny_sample)))
    assert "synthetic" in text and "not GTZAN results" in text and "all good" in text
