"""The platform a Lambda runtime runs on, in pip's terms (Python version, wheel tags)."""

from __future__ import annotations

from dataclasses import dataclass

# The glibc each runtime's Amazon Linux ships: AL2 for 3.10-3.11, AL2023 from 3.12.
GLIBC_MINOR = {"python3.10": 26, "python3.11": 26}
NEWEST_GLIBC_MINOR = 34
# manylinux_2_17 (manylinux2014) is the oldest tag built for aarch64.
OLDEST_GLIBC_MINOR = 17
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True)
class LambdaPlatform:
    """A Lambda runtime (``python3.12``) on an architecture (``x86_64`` or ``arm64``)."""

    runtime: str
    architecture: str

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def machine(self) -> str:
        return MACHINES[self.architecture]

    def platform_tags(self) -> list[str]:
        """The manylinux tags this runtime accepts, newest first."""
        newest = GLIBC_MINOR.get(self.runtime, NEWEST_GLIBC_MINOR)
        tags = [
            f"manylinux_2_{minor}_{self.machine}"
            for minor in range(newest, OLDEST_GLIBC_MINOR - 1, -1)
        ]
        # pip widens the legacy alias to manylinux2010 and manylinux1 on x86_64.
        return [*tags, f"manylinux2014_{self.machine}"]

    def pip_options(self) -> list[str]:
        """pip options that select wheels for this platform rather than the build machine's."""
        platforms = [option for tag in self.platform_tags() for option in ("--platform", tag)]
        return [
            *platforms,
            "--python-version",
            self.python_version,
            "--implementation",
            "cp",
            "--only-binary=:all:",
        ]

    def __str__(self) -> str:
        return f"{self.runtime} ({self.architecture})"
