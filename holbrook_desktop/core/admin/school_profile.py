"""The school's name and logo, as printed on attestations and the governors' report.

The name is a setting (audited like every other). The logo is a picture the administrator chose,
checked with Pillow and saved as PNG inside the data folder, so that it travels with the records
and a copy of the folder prints the same certificates. Without either, the first policy's
front matter names the school and the logo shipped with the app is used.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.files import write_whole
from holbrook_desktop.core.limits import LIMITS, TextTooLong, check_length
from holbrook_desktop.core.paths import resource_path

if TYPE_CHECKING:
    from collections.abc import Iterable

    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.records.settings import Settings

log = logging.getLogger(__name__)

NAME_KEY = "school.name"
LOGO_KEY = "school.logo"  # what was chosen (file name, size, hash): for the audit log
# The saved picture itself (base64 PNG), so that it travels to the school's other PCs with the
# settings (core/records/events.py); each PC writes it to its own data folder on first use.
LOGO_PICTURE_KEY = "school.logo.picture"
_UNSET = object()
LOGO_FILE = "school-logo.png"
DEFAULT_NAME = "School"
MAX_NAME_LENGTH = LIMITS["school_name"].max_chars
MAX_LOGO_BYTES = 5 * 1024 * 1024  # a crest photographed on a phone is well under this
MAX_LOGO_SIDE = 8_000  # larger is a poster, or a picture made to exhaust memory
MIN_LOGO_SIDE = 16
SAVED_LOGO_SIDE = 600  # printed 2 cm wide: 600 px is sharp at any printer's resolution
LOGO_FORMATS = ("PNG", "JPEG")


class SchoolProfileRefused(Refused, ValueError):
    """A name or logo that cannot be used; the message says why (and names the file)."""


@dataclass(frozen=True)
class SchoolProfile:
    name: str
    logo_path: Path
    logo_is_custom: bool  # False: the logo shipped with the app


def default_school_name(policies: Iterable[Policy]) -> str:
    return next((p.meta.school for p in policies if p.meta.school.strip()), "") or DEFAULT_NAME


def custom_logo_path(data_dir: Path) -> Path:
    return data_dir / LOGO_FILE


def school_profile(settings: Settings, data_dir: Path, policies: Iterable[Policy]) -> SchoolProfile:
    name = settings.get(NAME_KEY) or default_school_name(policies)
    custom = custom_logo_path(data_dir)
    _match_logo_file(settings.get(LOGO_PICTURE_KEY, _UNSET), custom)
    if custom.is_file():
        return SchoolProfile(name, custom, True)
    return SchoolProfile(name, resource_path(LOGO_FILE), False)


def _match_logo_file(picture: object, custom: Path) -> None:
    """The logo file as the school's settings say (it may have been chosen on another PC): written
    when the picture differs, removed when another PC went back to the shipped logo. Never raises:
    at worst this PC prints the logo it had."""
    if picture is _UNSET:
        return  # chosen before the picture travelled, or never: the file here stands
    try:
        if picture is None:
            if custom.is_file():
                custom.unlink()
                log.info("school logo: back to the shipped one, as chosen on another PC")
            return
        png = base64.b64decode(str(picture), validate=True)
        if not png.startswith(b"\x89PNG"):
            log.warning("school logo: the picture in the settings is not a PNG; ignored")
            return
        if not custom.is_file() or custom.read_bytes() != png:
            write_whole(custom, png)
            log.info("school logo: written from the school's settings")
    except (OSError, ValueError) as exc:
        log.warning("school logo: could not match %s to the school's settings: %s", custom, exc)


def clean_school_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise SchoolProfileRefused("Type the school's name.")
    try:
        check_length("school_name", cleaned)
    except TextTooLong as exc:
        raise SchoolProfileRefused(str(exc)) from exc
    return cleaned


def set_school_name(settings: Settings, name: str) -> str:
    cleaned = clean_school_name(name)
    settings.set(NAME_KEY, cleaned, action="school.name-changed")
    return cleaned


def logo_png(source: Path) -> tuple[bytes, tuple[int, int]]:
    """The picture at `source` as PNG bytes no larger than SAVED_LOGO_SIDE, and its original size.

    Refused, naming the file, if it is missing, too big, or not a real PNG or JPEG picture."""
    try:
        size = source.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise SchoolProfileRefused(f"{source} is {size / 1024 / 1024:.1f} MB; choose a logo under "
                                       f"{MAX_LOGO_BYTES // 1024 // 1024} MB.")
        data = source.read_bytes()
    except OSError as exc:
        raise SchoolProfileRefused(f"{source}: cannot read the file ({exc.strerror or exc}).") from exc
    from PIL import Image, ImageOps, UnidentifiedImageError  # only when a logo is chosen

    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, dimensions = probe.format, probe.size
            probe.verify()  # a truncated or damaged file fails here, before it is decoded
        if kind not in LOGO_FORMATS:
            raise SchoolProfileRefused(f"{source} is a {kind} picture; choose a PNG or JPEG file.")
        if max(dimensions) > MAX_LOGO_SIDE or min(dimensions) < MIN_LOGO_SIDE:
            raise SchoolProfileRefused(
                f"{source} is {dimensions[0]} × {dimensions[1]} pixels; a logo needs to be between "
                f"{MIN_LOGO_SIDE} and {MAX_LOGO_SIDE} pixels on each side.")
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)  # a phone photo stands the right way up
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
            image.thumbnail((SAVED_LOGO_SIDE, SAVED_LOGO_SIDE))
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except SchoolProfileRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise SchoolProfileRefused(f"{source} is not a PNG or JPEG picture that can be read.") from None
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow reports damage in several ways
        raise SchoolProfileRefused(f"{source} is damaged and cannot be read as a picture ({exc}).") from exc
    return out.getvalue(), dimensions


def set_school_logo(store: Store, source: Path) -> Path:
    """Check the picture, save it as the data folder's school-logo.png (0600), and record the change."""
    png, dimensions = logo_png(source)
    target = custom_logo_path(store.data_dir)
    write_whole(target, png)
    store.settings.set(LOGO_PICTURE_KEY, base64.b64encode(png).decode("ascii"), action="school.logo-changed")
    store.settings.set(LOGO_KEY, {"file": source.name, "width": dimensions[0], "height": dimensions[1],
                                  "sha256": hashlib.sha256(png).hexdigest()}, action="school.logo-changed")
    log.info("school logo set from %s", source)
    return target


def use_default_school_logo(store: Store) -> None:
    """Back to the logo shipped with the app."""
    target = custom_logo_path(store.data_dir)
    target.unlink(missing_ok=True)
    store.settings.set(LOGO_PICTURE_KEY, None, action="school.logo-changed")
    store.settings.set(LOGO_KEY, None, action="school.logo-changed")
