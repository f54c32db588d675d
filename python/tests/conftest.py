import os
import pathlib

import pytest

import entente

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def kb():
    """The South Caucasus knowledge base, loaded from the repository."""
    engine = entente.Engine()
    engine.load(ROOT / "rules" / "caucasus.rules")
    return engine


@pytest.fixture
def root():
    return ROOT


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Each test in a directory of its own (imports resolve there)."""
    monkeypatch.chdir(tmp_path)
    yield
    os.chdir(ROOT)
