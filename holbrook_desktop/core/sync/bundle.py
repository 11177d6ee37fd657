"""One bundle file: a PC's new events and the hashes of the signed PDFs they name, signed by the PC.

    {"format": "holbrook-bundle/1", "body": "<JSON text>", "body_sha256": "…", "signature": "<Ed25519>"}

The body is kept as text so that what is verified is exactly what was signed. It holds the PC id, the
bundle's number, the events (each one's canonical JSON hashes to its entry in "event_sha256"),
their digest, and "files": {sha256: size} of the PDFs copied beside the bundle (files/<sha256>.pdf).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.records.events import canonical, events_digest, sha256_text
from holbrook_desktop.core.sync.identity import PcIdentity, verify

FORMAT = "holbrook-bundle/1"


class BundleRefused(Refused):
    """A bundle that fails its signature, its hashes or its shape: none of it is applied."""


@dataclass(frozen=True)
class Bundle:
    pc_id: str
    seq: int
    made_at: str
    events: list[str]  # canonical texts
    digest: str
    files: dict[str, int]


def make(identity: PcIdentity, seq: int, made_at: str, event_texts: list[str],
         files: dict[str, int]) -> bytes:
    hashes = [sha256_text(text) for text in event_texts]
    body = canonical({"pc_id": identity.pc_id, "seq": seq, "made_at": made_at,
                      "events": [json.loads(text) for text in event_texts], "event_sha256": hashes,
                      "events_digest": events_digest(hashes), "files": files})
    data = body.encode("utf-8")
    return canonical({"format": FORMAT, "body": body, "body_sha256": hashlib.sha256(data).hexdigest(),
                      "signature": identity.sign(data)}).encode("utf-8")


def read(data: bytes, public_key: str, pc_id: str, seq: int) -> Bundle:
    """The bundle, checked: BundleRefused saying why if anything fails."""
    try:
        outer = json.loads(data)
        body_text = outer["body"]
        if outer.get("format") != FORMAT or not isinstance(body_text, str):
            raise BundleRefused("it is not a Holbrook bundle")
        body_bytes = body_text.encode("utf-8")
        if hashlib.sha256(body_bytes).hexdigest() != outer.get("body_sha256"):
            raise BundleRefused("its contents do not match their hash (changed or damaged)")
        if not verify(public_key, body_bytes, str(outer.get("signature", ""))):
            raise BundleRefused("its signature does not verify with the key of the PC it claims to "
                                "come from (changed, or not written by that PC)")
        body: dict[str, Any] = json.loads(body_text)
        if body.get("pc_id") != pc_id or body.get("seq") != seq:
            raise BundleRefused(f"it says it is bundle {body.get('seq')} of PC {body.get('pc_id')}, not "
                                f"bundle {seq} of PC {pc_id} where it was found (copied or replayed)")
        texts = [canonical(event) for event in body["events"]]
        hashes = [sha256_text(text) for text in texts]
        if hashes != body["event_sha256"] or events_digest(hashes) != body["events_digest"]:
            raise BundleRefused("an event does not match its hash")
        files = {str(k): int(v) for k, v in dict(body["files"]).items()}
        return Bundle(pc_id, seq, str(body["made_at"]), texts, body["events_digest"], files)
    except BundleRefused:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError) as exc:
        raise BundleRefused(f"it cannot be read ({type(exc).__name__}: {exc})") from exc
