"""Shared fixtures: the real spaCy model (loaded once) and the paths of the shared reference data."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from tocsin.parse import load_model

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "proxy-war-report.txt"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real English model, as the pipeline loads it."""
    return load_model()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The founding article; tests that need it are skipped where the shared data is absent."""
    if not SEED_ARTICLE.exists():
        pytest.skip("the shared founding article is not available")
    return SEED_ARTICLE
