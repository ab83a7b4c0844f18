"""``slam build``, in process: the output, the zip, and what a rebuild redoes."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from slam.tasks.package import RUNTIME_SOURCE

from ..conftest import OTHER_RUNTIME, RUNTIME, Project, local_requirements

pytestmark = pytest.mark.slow  # builds packages: pip, bytecode and doit, in subprocesses

HASH_LINE = re.compile(r"lambda_package\.([0-9a-f]{12})\.zip has been built successfully\.")
SIZE_LINE = re.compile(r"Size: [\d.]+ (KB|MB) \([\d.]+ (KB|MB) unzipped, \d+ files\)\.")
TAG = f"cpython-{RUNTIME.removeprefix('python').replace('.', '')}"


def built_hash(result_out: str) -> str:
    match = HASH_LINE.search(result_out)
    assert match, result_out
    return match[1]


def deps_stamp(project: Project) -> int:
    return (project.build_dir / "deps.zip").stat().st_mtime_ns


@pytest.fixture
def with_dep(project: Project, wheelhouse: Path) -> Project:
    """The project, requiring slam_test_dep 1.0 from the local wheelhouse."""
    project.write("requirements.txt", local_requirements(wheelhouse, "slam_test_dep==1.0"))
    return project


def test_cold_build_prints_the_seed_lines_and_writes_the_zip(
    with_dep: Project, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(with_dep.root)
    result = with_dep.build()
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[:3] == [
        "Building lambda package...",
        f"Installing requirements.txt for {RUNTIME} (x86_64)...",
        f"Installed 1 package for {RUNTIME} (x86_64): slam_test_dep 1.0.",
    ]
    assert SIZE_LINE.fullmatch(lines[3])
    (path,) = with_dep.packages()
    assert lines[4] == f".slam/build/{path.name} has been built successfully."
    assert len(lines) == 5
    assert path.name == f"lambda_package.{built_hash(result.out)}.zip"
    runtime = sorted(f"slam_runtime/{p.name}" for p in RUNTIME_SOURCE.glob("*.py"))
    names = with_dep.package().namelist()
    assert set(names) >= {"app.py", f"__pycache__/app.{TAG}.pyc", "slam_test_dep.py", *runtime}
    assert "slam_runtime/settings.json" in names


def test_the_zip_holds_the_runtime_settings(with_dep: Project):
    with_dep.build()
    settings = json.loads(with_dep.package().read("slam_runtime/settings.json"))
    assert settings == {
        "function": {"module": "app", "app": "handler"},
        "devstage": "dev",
        "environment": {"IN_LAMBDA": "1"},
        "stage_environments": {"dev": {"DEBUG": "1"}, "prod": {}},
        "plugins": {},
    }


def test_entries_are_sorted_with_fixed_times_and_modes(with_dep: Project):
    with_dep.write("run.sh", "#!/bin/sh\n").chmod(0o770)
    (with_dep.root / "app.py").chmod(0o600)
    with_dep.build()
    infos = {info.filename: info for info in with_dep.package().infolist()}
    assert {info.date_time for info in infos.values()} == {(1980, 1, 1, 0, 0, 0)}
    assert infos["run.sh"].external_attr >> 16 == 0o100755
    assert infos["app.py"].external_attr >> 16 == 0o100644
    # two sorted runs: the dependencies (copied from deps.zip as they are), then the rest
    with zipfile.ZipFile(with_dep.build_dir / "deps.zip") as deps:
        base = deps.namelist()
    names = list(infos)
    assert names[: len(base)] == base == sorted(base)
    assert names[len(base) :] == sorted(names[len(base) :])


def test_the_same_project_gives_the_same_bytes_twice_and_in_two_folders(
    with_dep: Project, make_project
):
    first = built_hash(with_dep.build().out)
    first_bytes = with_dep.packages()[0].read_bytes()
    shutil.rmtree(with_dep.root / ".slam")
    assert built_hash(with_dep.build().out) == first
    other: Project = make_project("elsewhere")
    shutil.rmtree(other.root)
    shutil.copytree(with_dep.root, other.root, ignore=shutil.ignore_patterns(".slam"))
    assert built_hash(other.build().out) == first
    assert other.packages()[0].read_bytes() == first_bytes


def test_an_unchanged_project_rebuilds_nothing(with_dep: Project, monkeypatch: pytest.MonkeyPatch):
    first = with_dep.build()
    stamp = deps_stamp(with_dep)
    (path,) = with_dep.packages()
    package_stamp = path.stat().st_mtime_ns
    monkeypatch.chdir(with_dep.root.parent)  # the zip is named from the current folder
    again = with_dep.build()
    assert again.code == 0
    lines = again.out.splitlines()
    assert lines[0] == "Building lambda package..."
    assert SIZE_LINE.fullmatch(lines[1])
    assert lines[2] == f"project/.slam/build/{path.name} is up to date."
    assert len(lines) == 3
    assert deps_stamp(with_dep) == stamp
    assert path.stat().st_mtime_ns == package_stamp
    assert first.out.splitlines()[-2] == lines[1]


def test_touching_files_rebuilds_nothing(with_dep: Project):
    with_dep.build()
    for name in ("app.py", "requirements.txt", "slam.yaml"):
        os.utime(with_dep.root / name)
    assert "is up to date." in with_dep.build().out


def test_a_code_edit_repackages_without_reinstalling(with_dep: Project):
    first = built_hash(with_dep.build().out)
    stamp = deps_stamp(with_dep)
    with_dep.write("app.py", APP_V2)
    result = with_dep.build()
    assert "Installing" not in result.out
    assert built_hash(result.out) != first
    assert deps_stamp(with_dep) == stamp
    assert with_dep.package().read("app.py").decode() == APP_V2
    assert len(with_dep.packages()) == 1  # the previous zip is gone


APP_V2 = 'def handler(event, context):\n    return "hello again"\n'


def test_added_and_removed_files_repackage(with_dep: Project):
    with_dep.build()
    with_dep.write("lib/helpers.py", "X = 1\n")
    assert "has been built" in with_dep.build().out
    assert "lib/helpers.py" in with_dep.package().namelist()
    (with_dep.root / "lib" / "helpers.py").unlink()
    assert "has been built" in with_dep.build().out
    assert "lib/helpers.py" not in with_dep.package().namelist()


def test_a_settings_edit_repackages_without_reinstalling(with_dep: Project):
    with_dep.build()
    text = (with_dep.root / "slam.yaml").read_text().replace('IN_LAMBDA: "1"', 'IN_LAMBDA: "2"')
    (with_dep.root / "slam.yaml").write_text(text)
    result = with_dep.build()
    assert "Installing" not in result.out
    assert "has been built" in result.out
    settings = json.loads(with_dep.package().read("slam_runtime/settings.json"))
    assert settings["environment"] == {"IN_LAMBDA": "2"}


def test_a_requirements_edit_reinstalls(with_dep: Project, wheelhouse: Path):
    with_dep.build()
    with_dep.write("requirements.txt", local_requirements(wheelhouse, "slam_test_dep==2.0"))
    result = with_dep.build()
    assert f"Installed 1 package for {RUNTIME} (x86_64): slam_test_dep 2.0." in result.out
    assert with_dep.package().read("slam_test_dep.py") == b'VERSION = "2.0"\n'
    assert "slam_test_dep-1.0.dist-info/METADATA" not in with_dep.package().namelist()


@pytest.mark.parametrize(
    ("change", "platform"),
    [
        ({"runtime": OTHER_RUNTIME}, f"{OTHER_RUNTIME} (x86_64)"),
        ({"architecture": "arm64"}, f"{RUNTIME} (arm64)"),
    ],
)
def test_a_runtime_or_architecture_change_reinstalls(
    with_dep: Project, change: dict[str, str], platform: str
):
    with_dep.build()
    with_dep.configure(**change)
    result = with_dep.build()
    assert f"Installing requirements.txt for {platform}..." in result.out
    assert f"Installed 1 package for {platform}: slam_test_dep 1.0." in result.out


def test_without_a_python_of_the_runtimes_version_the_build_says_what_that_costs(
    with_dep: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", str(tmp_path / "no-pythons-here"))
    with_dep.configure(runtime=OTHER_RUNTIME)
    version = OTHER_RUNTIME.removeprefix("python")
    note = f"Note: no python{version} on PATH, so pip chose the requirements' conditional"
    fix = f"Put a Python {version} on PATH as python{version} to build for Python {version}"
    out = with_dep.build().out
    assert note in out
    assert fix in out
    assert not [name for name in with_dep.package().namelist() if name.endswith(".pyc")]
    assert note in with_dep.build().out  # said again while the package is up to date


def test_a_python_of_the_runtimes_version_on_path_runs_pip_and_writes_bytecode(
    with_dep: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    version = OTHER_RUNTIME.removeprefix("python")
    calls = tmp_path / "calls"
    # stands in for a real Python of that version: says it is one, and otherwise runs
    # as this one, noting what it was asked to run
    program = tmp_path / "bin" / f"python{version}"
    program.parent.mkdir()
    program.write_text(
        f'#!/bin/sh\necho "$*" >> {calls}\n'
        f'case "$*" in *version_info*) echo {version};; *) exec {sys.executable} "$@";; esac\n'
    )
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(program.parent))
    with_dep.configure(runtime=OTHER_RUNTIME)
    assert "Note:" not in with_dep.build().out
    pip_runs = [line for line in calls.read_text().splitlines() if " install " in line]
    assert pip_runs, "pip did not run under the runtime's Python"
    assert "--target" in pip_runs[0]
    assert f"--python {program}" in (with_dep.build_dir.parent / "logs" / "deps.log").read_text()
    names = with_dep.package().namelist()
    assert f"__pycache__/app.{sys.implementation.cache_tag}.pyc" in names
    assert f"__pycache__/slam_test_dep.{sys.implementation.cache_tag}.pyc" in names


def test_rebuild_deps_wipes_and_reinstalls(with_dep: Project):
    first = built_hash(with_dep.build().out)
    leftover = with_dep.build_dir / "deps" / "leftover.py"
    leftover.write_text("")
    result = with_dep.build("--rebuild-deps")
    assert "Installing requirements.txt" in result.out
    assert not leftover.exists()
    # the same dependencies again: the package is unchanged
    (path,) = with_dep.packages()
    assert path.name == f"lambda_package.{first}.zip"
    assert f"lambda_package.{first}.zip is up to date." in result.out


def test_a_deleted_zip_is_rebuilt(with_dep: Project):
    with_dep.build()
    (path,) = with_dep.packages()
    path.unlink()
    assert "has been built successfully" in with_dep.build().out
    assert path.exists()


def test_no_requirements_file_means_no_dependencies(project: Project):
    result = project.build()
    assert result.out.splitlines()[1] == "No requirements.txt: the package has no dependencies."
    assert not (project.root / ".slam" / "logs" / "deps.log").exists()
    names = project.package().namelist()
    assert not [name for name in names if ".dist-info/" in name]


def test_a_missing_requirements_file_named_in_the_config_is_an_error(project: Project):
    project.configure(requirements="requirements/prod.txt")
    result = project.build()
    assert result.code == 1
    assert result.err == (
        "slam: error: the requirements file requirements/prod.txt does not exist\n"
        "hint: create it, or correct requirements in slam.yaml\n"
    )
    assert project.packages() == []


def test_default_exclusions_and_package_patterns(project: Project):
    project.configure(exclude=("docs", "**/*.txt"), include=("docs/keep.md", ".venv/data.json"))
    for name in (
        "lib/a.py",
        "lib/__pycache__/a.cpython-311.pyc",
        "old.pyc",
        "lambda_package.20170112_143002.zip",
        ".git/HEAD",
        ".venv/pyvenv.cfg",
        ".venv/lib/site.py",
        ".venv/data.json",
        ".pytest_cache/CACHEDIR.TAG",
        "docs/index.md",
        "docs/keep.md",
        "notes.txt",
    ):
        project.write(name, "x\n")
    project.build()
    names = [n for n in project.package().namelist() if not n.startswith("slam_runtime/")]
    assert sorted(n for n in names if not n.endswith(".pyc")) == [
        ".venv/data.json",
        "app.py",
        "docs/keep.md",
        "lib/a.py",
    ]


def test_the_size_limit_is_checked_before_zipping(project: Project):
    with (project.root / "data.bin").open("wb") as big:
        big.truncate(251 * 1024 * 1024)  # sparse: costs no disk
    project.write("small.txt", "x")
    result = project.build()
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == (
        "slam: error: the package is 251.1 MB unzipped, more than Lambda's limit of "
        "250.0 MB; the largest parts are:"
    )
    parts = [line.split(maxsplit=1) for line in lines[1:-1]]
    assert parts[0] == ["data.bin", "251.0 MB"]
    assert {name for name, _ in parts} >= {"slam_runtime", "app.py", "small.txt"}
    assert lines[-1] == (
        "hint: remove requirements the function does not need, or leave files out with "
        "package.exclude in slam.yaml"
    )
    assert project.packages() == []


@pytest.mark.network  # pip builds the sdist with setuptools from the index
def test_a_pure_python_sdist_is_built_locally(project: Project, wheelhouse: Path):
    project.write(
        "requirements.txt", local_requirements(wheelhouse, "slam-test-pure==1.0", offline=False)
    )
    result = project.build()
    assert result.code == 0, result.err
    assert (
        f"Installed 1 package for {RUNTIME} (x86_64): slam_test_pure 1.0 "
        "(built here from source: slam-test-pure 1.0)." in result.out
    )
    assert project.package().read("slam_test_pure.py") == b'GREETING = "hello"\n'


@pytest.mark.network  # pip builds the sdist with setuptools from the index
def test_a_compiled_sdist_without_a_wheel_stops_the_build(project: Project, wheelhouse: Path):
    project.write(
        "requirements.txt", local_requirements(wheelhouse, "slam-test-cext==1.0", offline=False)
    )
    result = project.build()
    assert result.code == 1
    # with a compiler the wheel is built for this machine; without, building fails: either way
    assert result.err.startswith(
        f"slam: error: slam-test-cext 1.0 has no wheel for {RUNTIME} (x86_64), and "
    )
    assert "\nhint: " in result.err
    assert "Traceback" not in result.err
    assert project.packages() == []
    assert "slam-test-cext" in (project.root / ".slam" / "logs" / "deps.log").read_text()


def test_an_unknown_requirement_shows_pips_error(project: Project, wheelhouse: Path):
    project.write("requirements.txt", local_requirements(wheelhouse, "slam-test-nowhere==1.0"))
    result = project.build()
    assert result.code == 1
    assert result.err.startswith(
        f"slam: error: slam-test-nowhere==1.0 has no wheel for {RUNTIME} (x86_64), and pip "
        "found no source distribution to build one from:\n  ERROR: "
    )
    assert result.err.endswith(
        "hint: check its name and version in requirements.txt; "
        f"pip's full output is in {project.root / '.slam' / 'logs' / 'deps.log'}\n"
    )


def test_debug_shows_doits_own_output_and_the_summary(
    with_dep: Project, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(with_dep.root)
    result = with_dep.slam("build", "--debug")
    assert result.code == 0
    assert ".  deps\n" in result.out
    assert ".  package\n" in result.out
    assert "Building lambda package..." in result.out
    assert f"Installed 1 package for {RUNTIME} (x86_64): slam_test_dep 1.0.\n" in result.out
    (path,) = with_dep.packages()
    assert result.out.endswith(f"\n.slam/build/{path.name} has been built successfully.\n")
    again = with_dep.slam("--debug", "build")
    assert again.out.endswith(f"\n.slam/build/{path.name} is up to date.\n")


def test_an_invalid_zip_in_the_deps_folder_is_not_trusted(with_dep: Project):
    with_dep.build()
    (with_dep.build_dir / "deps.zip").unlink()
    result = with_dep.build()
    assert "Installing requirements.txt" in result.out
    assert zipfile.is_zipfile(with_dep.build_dir / "deps.zip")


def test_a_bug_in_a_step_is_one_line_unless_debugging(
    project: Project, monkeypatch: pytest.MonkeyPatch
):
    from slam.tasks import package

    def broken(path: Path) -> dict[str, int]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(package, "sizes_in_zip", broken)
    result = project.build()
    assert (result.code, result.err) == (
        1,
        "slam: error: unexpected error in step package: ZeroDivisionError: division by zero\n"
        "hint: re-run with --debug to see where it happened\n",
    )
    debug = project.slam("--debug", "build")
    assert debug.code == 1
    assert 'raise ZeroDivisionError("division by zero")' in debug.out
    # already debugging: no hint to re-run with --debug
    assert debug.err.endswith(
        "\nslam: error: unexpected error in step package: ZeroDivisionError: division by zero\n"
    )


def test_a_damaged_state_database_is_one_error_with_the_fix(project: Project):
    project.build()
    (project.root / ".slam" / "doit.sqlite3").write_text("not a database")
    result = project.build()
    assert result.code == 1
    assert result.err.startswith("slam: error: doit could not run the build: ")
    assert "file is not a database" in result.err
    assert result.err.endswith(
        "hint: re-run with --debug to see where it happened; if .slam/doit.sqlite3 is "
        "damaged, delete it (slam rebuilds)\n"
    )
    debugging = project.slam("build", "--debug")
    assert debugging.err.endswith(
        "\nhint: if .slam/doit.sqlite3 is damaged, delete it (slam rebuilds)\n"
    )
    (project.root / ".slam" / "doit.sqlite3").unlink()
    assert project.build().code == 0


def set_function(project: Project, module: str, app: str) -> None:
    config = project.root / "slam.yaml"
    line = f"function: {{module: {module}, app: {app}}}"
    config.write_text(re.sub(r"^function: .*$", line, config.read_text(), flags=re.M))


def test_a_misspelled_module_fails_the_build_and_leaves_the_last_zip(project: Project):
    project.write("fizzbuzz.py", "def fizzbuzz(n):\n    return n\n")
    set_function(project, "fizzbuzz", "fizzbuzz")
    assert project.build().code == 0
    (before,) = project.packages()
    stamp = before.stat().st_mtime_ns
    set_function(project, "fizzbuz", "fizzbuzz")
    result = project.build()
    assert (result.code, result.out, result.err) == (
        1,
        "Building lambda package...\n",
        "slam: error: function.module 'fizzbuz' is not a module in the package\n"
        "hint: did you mean 'fizzbuzz'? (function.module in slam.yaml)\n",
    )
    assert project.packages() == [before]
    assert before.stat().st_mtime_ns == stamp


def test_a_helper_module_that_does_not_compile_is_named_and_still_packaged(project: Project):
    project.write("helper.py", "def greet(:\n    pass\n")
    result = project.build()
    assert (result.code, result.err) == (0, "")
    assert (
        f"Note: helper.py does not compile for Python {RUNTIME.removeprefix('python')} "
        "(line 1: invalid syntax), so Lambda cannot import it: fix it, or leave it out with "
        "package.exclude in slam.yaml."
    ) in result.out.splitlines()
    names = project.package().namelist()
    assert "helper.py" in names
    assert not any(name.startswith("__pycache__/helper.") for name in names)
    again = project.build()  # up to date: it still says so
    assert again.out.splitlines()[-2] == result.out.splitlines()[-2]


def test_a_source_the_compiler_cannot_handle_is_one_line_and_its_output_only_with_debug(
    project: Project,
):
    # compiling this exhausts the compiler's recursion limit: not a syntax error
    project.write("generated.py", "TOTAL = " + "1 + " * 200_000 + "1\n")
    result = project.build()
    assert result.code == 1
    assert result.err.splitlines() == [
        f"slam: error: byte-compiling the package with {sys.executable} failed: "
        "generated.py: RecursionError: maximum recursion depth exceeded during compilation",
        "hint: fix the file it names, or leave it out with package.exclude in slam.yaml; "
        "--debug shows the compiler's output",
    ]
    assert project.packages() == []
    debug = project.build("--debug")
    assert debug.code == 1
    assert "Traceback (most recent call last):" in debug.out + debug.err
    assert "CompileFailed: generated.py: RecursionError" in debug.out + debug.err


def test_a_syntax_error_in_the_entry_module_fails_the_build(project: Project):
    project.write("app.py", 'def handler(event, context):\n    return "hello\n')
    result = project.build()
    assert result.code == 1
    assert result.err == (
        "slam: error: app.py:2: unterminated string literal (detected at line 2)\n"
        f"hint: Lambda's {RUNTIME} cannot import function.module 'app' until this is fixed\n"
    )
    assert project.packages() == []
    assert not (project.build_dir / "package.json").exists()
