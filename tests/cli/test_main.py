"""The command line's own parsing: ``--query-memory`` sizes."""

from __future__ import annotations

import argparse

import pytest

from gcm_kg.cli.main import MIN_QUERY_MEMORY, build_parser, parse_size

MiB, GiB = 1 << 20, 1 << 30


@pytest.mark.parametrize("text, size", [
    ("512M", 512 * MiB), ("2G", 2 * GiB), ("1GiB", GiB), ("1gib", GiB), ("1 GiB", GiB),
    ("256MB", 256 * MiB), ("1.5G", GiB + 512 * MiB), ("65536K", 64 * MiB), ("1T", 1 << 40),
    (str(GiB), GiB),
])
def test_sizes_are_read_in_powers_of_1024(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "lots", "-1G", "1Q", "1iB", "1 G B", "0x100M", "1e9"])
def test_what_is_not_a_size_is_refused_with_an_example(text):
    with pytest.raises(argparse.ArgumentTypeError, match="not a size: write e.g. 512M"):
        parse_size(text)


def test_a_budget_too_small_to_answer_anything_is_refused():
    assert parse_size(f"{MIN_QUERY_MEMORY}") == MIN_QUERY_MEMORY
    with pytest.raises(argparse.ArgumentTypeError, match="too small: give at least 32M"):
        parse_size("16M")


def test_serve_takes_query_memory_and_leaves_the_default_to_the_store():
    parser = build_parser()
    assert parser.parse_args(["serve", "--query-memory", "2G"]).query_memory == 2 * GiB
    assert parser.parse_args(["serve"]).query_memory is None


def test_a_bad_query_memory_ends_serve_with_exit_status_2_and_says_why(capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["serve", "--query-memory", "lots"])
    assert stop.value.code == 2
    assert "--query-memory: 'lots' is not a size" in capsys.readouterr().err
