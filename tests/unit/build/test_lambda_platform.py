from __future__ import annotations

import pytest

from slam.build.lambda_platform import LambdaPlatform


def test_amazon_linux_2_runtimes_accept_glibc_2_26_wheels_at_most():
    tags = LambdaPlatform("python3.11", "x86_64").platform_tags()
    assert tags[0] == "manylinux_2_26_x86_64"
    assert tags[-2:] == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    assert len(tags) == 11


def test_amazon_linux_2023_runtimes_accept_glibc_2_34_wheels():
    tags = LambdaPlatform("python3.13", "arm64").platform_tags()
    assert tags[0] == "manylinux_2_34_aarch64"
    assert tags[-1] == "manylinux2014_aarch64"
    assert all(tag.endswith("_aarch64") for tag in tags)


def test_pip_options_name_the_target_never_this_machine():
    platform = LambdaPlatform("python3.12", "arm64")
    options = platform.pip_options()
    assert options[-5:] == [
        "--python-version", "3.12", "--implementation", "cp", "--only-binary=:all:"
    ]  # fmt: skip
    assert options[:-5:2] == ["--platform"] * len(platform.platform_tags())
    assert options[1:-5:2] == platform.platform_tags()


@pytest.mark.parametrize(
    ("runtime", "architecture", "text"),
    [
        ("python3.12", "arm64", "python3.12 (arm64)"),
        ("python3.10", "x86_64", "python3.10 (x86_64)"),
    ],
)
def test_str(runtime: str, architecture: str, text: str):
    assert str(LambdaPlatform(runtime, architecture)) == text
