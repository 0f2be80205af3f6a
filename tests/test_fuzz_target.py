"""The atheris fuzz target over the readers (fuzz/fuzz_readers.py) stays alive: its seeds are
read into articles, inputs it once crashed on stay fixed, random bytes for every reader give only
articles, rejections or `InputError`, and the target runs under atheris as `make fuzz` runs it."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tocsin.types import Article, Rejection

TARGET = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_readers.py"


def load_target() -> ModuleType:
    """The fuzz target as a module (fuzz/ is not a package)."""
    spec = importlib.util.spec_from_file_location("fuzz_readers", TARGET)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fuzz = load_target()

WARC_WITHOUT_TARGET_URI = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
    b"Content-Type: application/http; msgtype=response\r\nContent-Length: 20\r\n\r\n"
    b"HTTP/1.1 200 OK\r\n\r\nab\r\n\r\n"
)
FEED_WITH_A_CONTROL_CHARACTER = (
    b'<rss version="2.0"><channel><title>W</title><item><title>T</title><description>&lt;p&gt;'
    b"Iran threatened Israel on Monday.&lt;/p&gt;Officials\x07 said so.</description></item></channel></rss>"
)


@pytest.mark.parametrize("name", list(fuzz.SEEDS))
def test_every_seed_is_read_into_an_article(name: str) -> None:
    data = fuzz.SEEDS[name]
    fuzz.one_input(data)
    items = fuzz.read_input(data)
    assert any(isinstance(item, Article) for item in items) or name == "csv.gz cut"
    assert all(isinstance(item, Article | Rejection) for item in items)


def test_inputs_that_once_crashed_a_reader() -> None:
    # warcio raised AttributeError for an HTTP record without a target URI
    (rejection,) = fuzz.read_input(fuzz.seed("warc", WARC_WITHOUT_TARGET_URI))
    assert isinstance(rejection, Rejection) and rejection.reason.startswith("not a WARC or ARC file")
    # lxml raised ValueError when a feed entry's HTML held a control character
    (article,) = fuzz.read_input(fuzz.seed("feed", FEED_WITH_A_CONTROL_CHARACTER))
    assert isinstance(article, Article) and article.text.endswith("Officials said so.")


@pytest.mark.parametrize("reader", range(len(fuzz.READERS)))
def test_mutated_seeds_give_articles_rejections_or_input_errors(reader: int) -> None:
    rng = random.Random(reader)
    seeds = list(fuzz.SEEDS.values())
    for _ in range(40):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 12)):  # flip, insert and delete bytes, as the fuzzer does
            place = rng.randrange(3, len(data)) if len(data) > 3 else 3
            choice = rng.random()
            if choice < 0.4 and place < len(data):
                data[place] = rng.randrange(256)
            elif choice < 0.7:
                data[place:place] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            else:
                del data[place : place + rng.randint(1, 16)]
        data[0] = reader
        data[1] = rng.randrange(3)
        fuzz.one_input(bytes(data))


def test_the_target_runs_under_atheris(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    done = subprocess.run(
        [sys.executable, str(TARGET), "-atheris_runs=200", f"-artifact_prefix={tmp_path}/"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done 200 in" in done.stderr
    assert not list(tmp_path.iterdir())  # no crashing input written
