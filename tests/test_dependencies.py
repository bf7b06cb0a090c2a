"""Every imported package is declared, the locks hold every dependency, and scripts/test.sh works from a fresh clone."""

import ast
import os
import re
import subprocess
import sys
import sysconfig
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}
# Left out of the locks by pip-compile on purpose: every virtual environment brings its own.
INSTALLER_PACKAGES = {"pip", "setuptools"}


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line (comments, options and -r lines skipped)."""
    found = (re.match(r"^([A-Za-z0-9_.\[\]-]+)==(\S+)", line) for line in path.read_text().splitlines())
    return {canonicalize_name(m[1].split("[")[0]): m[2] for m in found if m}


def declared() -> set[str]:
    return {name for requirements in LOCKS for name in pins(ROOT / requirements)}


def third_party_imports() -> set[str]:
    names: set[str] = set()
    for path in [
        ROOT / "app.py",
        *(p for d in ("bot", "storage", "tests", "benchmarks") for p in (ROOT / d).rglob("*.py")),
    ]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    own = ("app", "bot", "storage", "tests", "benchmarks")
    return {n for n in names if n not in sys.stdlib_module_names and n not in own}


def test_every_imported_package_is_declared() -> None:
    distributions = packages_distributions()
    missing = {
        name: distributions[name]
        for name in third_party_imports()
        if not {canonicalize_name(d) for d in distributions[name]} & declared()
    }
    assert missing == {}


@pytest.mark.parametrize(("requirements", "lock"), LOCKS.items())
def test_the_lock_pins_the_declared_versions_and_every_dependency(requirements: str, lock: str) -> None:
    locked = pins(ROOT / lock)
    direct = pins(ROOT / requirements) | (pins(ROOT / "requirements.txt") if requirements != "requirements.txt" else {})
    assert {name: locked.get(name) for name in direct} == direct
    # Installing with --no-deps is safe: what each locked package needs here is locked too.
    needed = {
        canonicalize_name(requirement.name)
        for name in locked
        for requirement in map(Requirement, requires(name) or [])
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""})
    }
    assert needed - set(locked) - INSTALLER_PACKAGES == set()


def test_scripts_install_from_the_locks() -> None:
    assert "--no-deps -r requirements.lock" in (ROOT / "scripts" / "serve.sh").read_text()
    assert "--no-deps -r requirements-dev.lock" in (ROOT / "scripts" / "test.sh").read_text()


def test_scripts_test_sh_works_in_a_fresh_clone(tmp_path: Path) -> None:
    """A clone of the committed tree, its own virtual environment (which sees this one's packages,
    so nothing is downloaded and this environment is never changed), then the script itself."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    clone = tmp_path / "welkom"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(clone / ".venv")], check=True)
    venv_site = subprocess.run(
        [clone / ".venv" / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(venv_site, "welkom-shared.pth").write_text(sysconfig.get_path("purelib") + "\n")
    if (ROOT / ".tools").exists():
        (clone / ".tools").symlink_to(ROOT / ".tools")
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIRTUAL_ENV")}
    result = subprocess.run(
        ["bash", "scripts/test.sh", "-q", "-p", "no:cacheprovider", "tests/test_phone.py"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout)
