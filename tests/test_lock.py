"""Dependencies can be rebuilt: two lock files with hashes, current with pyproject.toml, that
scripts/setup and the Dockerfile install from; libraries whose internals we use are bounded."""

from __future__ import annotations

import hashlib
import re
import tomllib

import pytest

from bot.paths import REPO_ROOT

LOCKS = ("requirements.lock", "requirements-dev.lock")
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    """name -> version of every requirement in ``lock``; fails on one without a hash."""
    text = (REPO_ROOT / lock).read_text("utf-8")
    out: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.strip().splitlines()[0] if block.strip() else ""
        if not first or first.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", first)
        assert m, f"{lock}: '{first}' is not pinned with =="
        assert "--hash=sha256:" in block, f"{lock}: {m.group(1)} has no hash"
        out[_norm(m.group(1))] = m.group(2)
    return out


def _project() -> dict[str, object]:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]  # type: ignore[no-any-return]


def _names(specs: object) -> set[str]:
    assert isinstance(specs, list)
    return {_norm(m.group(1)) for s in specs if (m := _NAME.match(s))}


@pytest.mark.parametrize("lock", LOCKS)
def test_each_lock_pins_every_package_with_a_hash_and_matches_pyproject(lock: str) -> None:
    pins = _pins(lock)
    assert len(pins) > 10
    digest = hashlib.sha256((REPO_ROOT / "pyproject.toml").read_bytes()).hexdigest()
    assert f"# pyproject.toml sha256 {digest}" in (REPO_ROOT / lock).read_text(), (
        f"{lock} was not made from this pyproject.toml: run scripts/lock"
    )


def test_the_locks_cover_the_server_and_the_dev_tools_with_the_same_versions() -> None:
    project = _project()
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    extras = project["optional-dependencies"]
    assert isinstance(extras, dict)
    assert _names(project["dependencies"]) <= set(runtime)
    assert _names(project["dependencies"]) | _names(extras["dev"]) <= set(dev)
    differ = {n: (v, dev[n]) for n, v in runtime.items() if n in dev and dev[n] != v}
    assert differ == {}, f"the dev lock moved server packages: {differ}"


def test_setup_and_the_image_install_from_the_locks_with_hashes_required() -> None:
    setup = (REPO_ROOT / "scripts" / "setup").read_text()
    docker = (REPO_ROOT / "Dockerfile").read_text()
    assert "--require-hashes" in setup and "requirements-dev.lock" in setup
    assert "--require-hashes -r requirements.lock" in docker
    for text in (setup, docker):  # the package itself adds no unlocked dependency
        assert "--no-deps" in text


@pytest.mark.parametrize("name", ["aiohttp", "google-re2"])
def test_libraries_whose_internals_we_use_have_an_upper_bound(name: str) -> None:
    deps = _project()["dependencies"]
    assert isinstance(deps, list)
    spec = next(d for d in deps if _norm(_NAME.match(d).group(1)) == name)  # type: ignore[union-attr]
    assert "<" in spec and "<4" not in spec.replace(" ", ""), f"{spec}: bound it to a minor release"
