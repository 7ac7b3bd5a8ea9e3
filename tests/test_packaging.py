"""The production image and compose file, checked from their files (no container runtime in
CI): production dependencies only, pinned like the development lock; migrations once."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = {"pytest", "pytest-django", "playwright", "hypothesis", "ruff", "schemathesis"}


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", text, re.M))


def test_the_production_lock_pins_what_the_development_lock_pins_less_the_test_tools():
    production, development = pins("requirements-prod.lock"), pins("requirements.lock")
    assert {"django", "gunicorn", "spacy", "procrastinate"} <= set(production)
    assert {name: development.get(name) for name in production} == production
    assert not TEST_TOOLS & set(production)
    assert TEST_TOOLS <= set(development)


def test_the_image_installs_production_dependencies_and_does_not_migrate():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements-prod.lock" in dockerfile
    assert "requirements.lock" not in dockerfile.replace("requirements-prod.lock", "")
    assert "migrate" not in dockerfile.split("CMD", 1)[1]


def test_compose_migrates_once_and_publishes_the_app_on_loopback_only():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
