"""Type stubs of the extension module (the public API is in ``kyc_preflight``)."""

from typing import List, Optional, Tuple

__version__: str
TURBO: bool
MAX_INPUT_BYTES: int

class PreflightError(Exception): ...

def check(
    data: bytes,
    class_: Optional[str] = None,
    id_type: Optional[str] = None,
    profile: str = "default",
    path: str = "<bytes>",
    faces: bool = True,
    mrz: bool = True,
) -> str: ...
def check_many(
    items: List[bytes],
    class_: Optional[str] = None,
    id_type: Optional[str] = None,
    profile: str = "default",
    paths: Optional[List[str]] = None,
    jobs: int = 0,
    faces: bool = True,
    mrz: bool = True,
) -> List[str]: ...
def fix(
    data: bytes,
    class_: Optional[str] = None,
    id_type: Optional[str] = None,
    profile: str = "default",
    path: str = "<bytes>",
    faces: bool = True,
    mrz: bool = True,
) -> Tuple[Optional[bytes], str]: ...
def validate_zip_bytes(data: bytes, path: str = "<bytes>", jobs: int = 0) -> str: ...
def package_job(
    images: List[Tuple[str, bytes, str]],
    country: str,
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
) -> Tuple[Optional[bytes], str, List[str]]: ...
def sign_request(
    api_key: str, partner_id: str, timestamp: Optional[str] = None
) -> Tuple[str, str]: ...
def verify_signature(api_key: str, partner_id: str, timestamp: str, signature: str) -> bool: ...
