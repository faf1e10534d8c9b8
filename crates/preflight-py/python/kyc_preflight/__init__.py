"""Check, fix and package identity-document photos before uploading them to Smile ID.

The same library as the ``preflight`` command line, in process: every function takes the
image bytes and returns the report the CLI prints with ``--json`` (SPEC §4), as a dict.

>>> import kyc_preflight
>>> report = kyc_preflight.check(open("id.jpg", "rb").read(), class_="id-card")
>>> report["verdict"], [f["code"] for f in report["findings"]]

The image work runs with the interpreter released: threads calling ``check`` run in
parallel, and ``check_many`` spreads a list over every core by itself.

Errors: an image that cannot be evaluated (not an image, truncated, too large) is not an
exception: its report has ``verdict == "error"`` and an ``error`` object with the code, so a
batch goes on past a bad file. Bad arguments raise ``ValueError``; a package request the
library refuses (no ID front, too many liveness frames, ...) raises :class:`PreflightError`.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _native

__all__ = [
    "PreflightError",
    "check",
    "check_many",
    "fix",
    "package",
    "validate_zip",
    "sign",
    "verify",
    "__version__",
    "TURBO",
    "MAX_INPUT_BYTES",
    "unread_report",
]

__version__: str = _native.__version__
#: True when the extension was built with libjpeg-turbo (the ``turbo`` cargo feature).
TURBO: bool = _native.TURBO
#: The library's default byte cap per input (docs/limits.md): a caller that reads files
#: itself can report larger ones without reading them (:func:`unread_report`).
MAX_INPUT_BYTES: int = _native.MAX_INPUT_BYTES

Report = Dict[str, Any]
BytesLike = Union[bytes, bytearray, memoryview]


class PreflightError(Exception):
    """The library refused the request. ``code`` is the report's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def unread_report(path: str, code: str, message: str, *, class_: str = "id-card") -> Report:
    """The report for an input the library never saw (a file that could not be read, one over
    :data:`MAX_INPUT_BYTES`), in every report's shape: ``verdict`` "error", no findings, and an
    ``error`` with ``code`` and ``message``. The archive recipes use it."""
    return {
        "type": "report",
        "path": path,
        "class": class_,
        "verdict": "error",
        "findings": [],
        "error": {"code": code, "message": message},
    }


def _bytes(data: BytesLike) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"expected bytes, bytearray or memoryview, got {type(data).__name__}")


def _raise(e: Exception) -> None:
    code, message = e.args if len(e.args) == 2 else ("internal_error", str(e))
    raise PreflightError(code, message) from None


def check(
    data: BytesLike,
    *,
    class_: Optional[str] = None,
    id_type: Optional[str] = None,
    profile: str = "default",
    path: str = "<bytes>",
    faces: bool = True,
    mrz: bool = True,
) -> Report:
    """Check one image and return its report.

    ``class_`` is ``id-card``, ``passport``, ``selfie`` or ``liveness`` (default: from
    ``id_type``, else ``id-card``); ``profile`` is ``default``, ``strict`` or ``lenient``;
    ``path`` is only written into the report; ``faces=False`` skips the face search (the
    holder's portrait, a selfie's face: for the back of an ID card, which carries none);
    ``mrz=False`` skips the machine-readable zone (``metrics.mrz``, the ``mrz_*`` and
    ``document_expired`` findings).
    """
    return json.loads(_native.check(_bytes(data), class_, id_type, profile, path, faces, mrz))


def check_many(
    items: Sequence[BytesLike],
    *,
    class_: Optional[str] = None,
    id_type: Optional[str] = None,
    profile: str = "default",
    paths: Optional[Sequence[str]] = None,
    jobs: int = 0,
    faces: bool = True,
    mrz: bool = True,
) -> List[Report]:
    """Check many images on ``jobs`` threads (0: one per core); one report per image, in
    order. A bad image gets an error report; the others are checked as usual. ``faces`` and
    ``mrz`` as for :func:`check`."""
    if jobs < 0:
        raise ValueError("jobs must be 0 (one per core) or more")
    raw = _native.check_many(
        [_bytes(d) for d in items],
        class_,
        id_type,
        profile,
        list(paths) if paths is not None else None,
        jobs,
        faces,
        mrz,
    )
    return [json.loads(r) for r in raw]


def fix(
    data: BytesLike,
    *,
    class_: Optional[str] = None,
    id_type: Optional[str] = None,
    profile: str = "default",
    path: str = "<bytes>",
    faces: bool = True,
    mrz: bool = True,
) -> Tuple[Optional[bytes], Report]:
    """Make the upright, metadata-free JPEG inside the service's byte window.

    Returns ``(jpeg, report)``; ``jpeg`` is ``None`` when no compliant file can be made
    (the report says why: a ``reject`` finding or ``verdict == "error"``). ``faces`` and
    ``mrz`` as for :func:`check`."""
    jpeg, report = _native.fix(_bytes(data), class_, id_type, profile, path, faces, mrz)
    return jpeg, json.loads(report)


def validate_zip(data: BytesLike, *, path: str = "<bytes>", jobs: int = 0) -> Report:
    """Predict whether the service accepts an upload zip (ours or another SDK's): the
    validation the CLI's ``validate-zip --json`` prints (``valid`` for the upload, ``code``,
    ``photos``: the worst verdict of the images' own checks, ``findings``, each image's
    report)."""
    if jobs < 0:
        raise ValueError("jobs must be 0 (one per core) or more")
    return json.loads(_native.validate_zip_bytes(_bytes(data), path, jobs))


def package(
    *,
    country: str,
    id_front: BytesLike,
    id_back: Optional[BytesLike] = None,
    selfie: Optional[BytesLike] = None,
    liveness: Sequence[BytesLike] = (),
    id_type: Optional[str] = None,
    inline: bool = False,
    use_enrolled_image: bool = False,
    partner_id: Optional[str] = None,
    api_key: Optional[str] = None,
    job_id: Optional[str] = None,
    user_id: Optional[str] = None,
    callback_url: Optional[str] = None,
    timestamp: Optional[str] = None,
    file_name: str = "attachments.zip",
    profile: str = "default",
    jobs: int = 0,
) -> Tuple[Optional[bytes], Report]:
    """Fix every photo of a job and build the verified upload zip with its ``info.json``.

    Returns ``(zip, result)``: ``result`` is what ``preflight package --json`` prints last
    (verdict, images, zip size and hash) with each image's report under
    ``images[i]["report"]``; ``zip`` is ``None`` when an image was rejected or could not be
    evaluated. Partner details (``partner_id`` and ``api_key``, with ``job_id``, ``user_id``
    and ``callback_url``) add the signed ``misc_information`` as the service's SDKs write it.
    """
    if jobs < 0:
        raise ValueError("jobs must be 0 (one per core) or more")
    images: List[Tuple[str, bytes, str]] = []
    if selfie is not None:
        images.append(("selfie", _bytes(selfie), "selfie"))
    images.append(("id_front", _bytes(id_front), "id_front"))
    if id_back is not None:
        images.append(("id_back", _bytes(id_back), "id_back"))
    for i, frame in enumerate(liveness):
        images.append(("liveness", _bytes(frame), f"liveness[{i}]"))
    try:
        zip_bytes, result, reports = _native.package_job(
            images,
            country,
            id_type,
            inline,
            use_enrolled_image,
            partner_id,
            api_key,
            job_id,
            user_id,
            callback_url,
            timestamp,
            file_name,
            profile,
            jobs,
        )
    except _native.PreflightError as e:
        _raise(e)
    out = json.loads(result)
    for image, report in zip(out["images"], reports):
        image["report"] = json.loads(report)
    return zip_bytes, out


def sign(api_key: str, partner_id: str, timestamp: Optional[str] = None) -> Dict[str, str]:
    """The request signature the service expects: ``{"signature": ..., "timestamp": ...}``
    (the timestamp is now, ISO 8601, when not given)."""
    signature, ts = _native.sign_request(api_key, partner_id, timestamp)
    return {"signature": signature, "timestamp": ts}


def verify(api_key: str, partner_id: str, timestamp: str, signature: str) -> bool:
    """Whether ``signature`` (from a callback or a job status answer) is the service's."""
    return _native.verify_signature(api_key, partner_id, timestamp, signature)
