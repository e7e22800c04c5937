"""One namespace: a wheel installs only `synthgate`, and a user's own `report.py` shadows nothing."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("flows", "privacy", "generators", "expectations", "evaluation", "report", "catalog", "relational")


def test_every_package_folder_is_listed_under_the_namespace():
    # Setup
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapping = config["package-dir"]

    # Run: each folder with an __init__.py, named as it installs
    found = {"synthgate"}
    for stage in STAGES:
        for init in (ROOT / stage).rglob("__init__.py"):
            found.add(".".join(("synthgate", *init.parent.relative_to(ROOT).parts)))

    # Assert
    assert set(config["packages"]) - {"synthgate.examples"} == found
    assert {name: mapping[name] for name in mapping if name != "synthgate"} == {
        **{f"synthgate.{s}": s for s in STAGES}, "synthgate.examples": "examples"}


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    """A fresh venv with synthgate installed from a wheel (not editable); dependencies come from
    the test venv's site-packages through a path line, which runs none of its .pth files, so the
    editable install there cannot answer for `synthgate`."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "demo-output", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "tests"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--no-index", "-q", "-w", str(work / "dist"), str(source)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((work / "dist").glob("synthgate-*.whl"))

    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    before = set(os.listdir(site))
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", "-q", str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    after = set(os.listdir(site))
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return {"python": python, "bin": env_dir / "bin", "added": after - before, "site": site}


def test_the_wheel_adds_only_synthgate_to_site_packages(wheel_venv):
    # Assert
    added = {name for name in wheel_venv["added"] if name != "__pycache__"}
    assert added == {"synthgate", "synthgate-0.1.0.dist-info"}
    package = wheel_venv["site"] / "synthgate"
    assert {p.name for p in package.iterdir() if p.is_dir()} >= {*STAGES, "examples"}
    assert (package / "report" / "templates" / "report.html.j2").is_file()
    assert (package / "examples" / "covid_testing.yaml").is_file()
    assert len(list((package / "privacy" / "data").glob("*.txt"))) >= 4  # detection's name lists


def test_a_users_report_or_evaluation_module_does_not_shadow_ours(wheel_venv, tmp_path):
    # Setup: a user's working directory with modules named like our old global packages
    for name in ("report", "evaluation", "privacy", "flows"):
        (tmp_path / f"{name}.py").write_text("raise SystemExit('the user module was imported')\n", encoding="utf-8")
    code = ("import synthgate.privacy, synthgate.report, synthgate.evaluation, synthgate.flows.demo as demo; "
            "from synthgate.privacy import names; "
            "print(synthgate.report.__file__); print(synthgate.evaluation.__file__); "
            "print(demo.default_spec().is_file() and names.is_surname('Smith') and names.is_given_name('민준')); "
            "import report")

    # Run
    ran = subprocess.run([str(wheel_venv["python"]), "-c", code], cwd=tmp_path, capture_output=True, text=True)

    # Assert: ours come from the installed package; the user's own `import report` still gets theirs
    lines = ran.stdout.splitlines()
    assert lines[:2] == [str(wheel_venv["site"] / "synthgate" / "report" / "__init__.py"),
                         str(wheel_venv["site"] / "synthgate" / "evaluation" / "__init__.py")]
    assert lines[2] == "True"
    assert "the user module was imported" in ran.stderr


@pytest.mark.parametrize("command", [["-m", "synthgate", "--help"], ["SCRIPT", "--help"]])
def test_python_m_synthgate_and_the_console_script_work(wheel_venv, tmp_path, command):
    # Setup
    argv = ([str(wheel_venv["bin"] / "synthgate"), *command[1:]] if command[0] == "SCRIPT"
            else [str(wheel_venv["python"]), *command])

    # Run
    ran = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)

    # Assert
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "Usage: synthgate" in ran.stdout
    for verb in ("scan", "init", "check", "run", "evaluate", "report", "demo"):
        assert verb in ran.stdout
