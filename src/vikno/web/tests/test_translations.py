"""Ukrainian and English ship complete: every string the code marks for translation is translated."""

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

SRC = Path(settings.SRC_DIR)


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


def _locale_dirs() -> list[Path]:
    return sorted(p for p in SRC.rglob("locale") if p.is_dir())


def test_the_ukrainian_catalogue_translates_every_string_in_the_code(tmp_path):
    if shutil.which("xgettext") is None:
        raise AssertionError("gettext is not installed: run `make system-deps` (Debian package gettext)")
    copy = tmp_path / "vikno"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo", "migrations"))
    for locale in (copy / "locale", *[p for p in copy.rglob("locale") if p != copy / "locale"]):
        shutil.rmtree(locale)
    (copy / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--locale", "uk", "--no-location", "--no-wrap"],
        cwd=copy,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "vikno.conf.test",
            "PYTHONPATH": str(SRC.parent),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    wanted = {m.id for m in _catalogue(copy / "locale" / "uk" / "LC_MESSAGES" / "django.po") if m.id}
    shipped = {}
    for locale in _locale_dirs():
        po = locale / "uk" / "LC_MESSAGES" / "django.po"
        if po.exists():
            shipped.update({m.id: m for m in _catalogue(po) if m.id})
    missing = sorted(str(m) for m in wanted - shipped.keys())
    assert missing == [], f"{len(missing)} strings have no Ukrainian entry: run makemessages and translate them"
    untranslated = sorted(str(m) for m in wanted if not _translated(shipped[m]))
    fuzzy = sorted(str(shipped[m].id) for m in wanted if shipped[m].fuzzy)
    assert untranslated == []
    assert fuzzy == []
