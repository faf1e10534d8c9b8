"""Build upload zips with Smile ID's Python SDK (smile-id-core), through WebApi.submit_job
with its HTTP stubbed: the prep-upload POST answers with an upload URL, and the zip the SDK
PUTs there is written to JOBS/python_<job>.zip. Also writes the SDK's signatures for judge.py.

    python python_jobs.py IMAGES JOBS
"""
import base64, json, os, shutil, sys, warnings

import requests
from PIL import Image
from smile_id_core import Signature, WebApi

images, jobs = sys.argv[1], sys.argv[2]
PARTNER, KEY = "212", "interop-test-key"
captured = {}


class Answer:
    def __init__(self, body, status=200):
        self.status_code, self._body = status, body

    def json(self):
        return self._body


def fake_post(url, data=None, headers=None, **kw):
    return Answer({"upload_url": "https://upload.invalid/put", "smile_job_id": "0000001"})


def fake_put(url, data=None, headers=None, **kw):
    captured["zip"] = bytes(data)
    return Answer({})


def fake_get(url, *a, **kw):
    raise AssertionError(f"unexpected GET {url}")


requests.post, requests.put, requests.get = fake_post, fake_put, fake_get


def path(name):
    return os.path.join(images, name)


def b64(name):
    with open(path(name), "rb") as f:
        return base64.b64encode(f.read()).decode()


# PNG copies: the SDK accepts .png files (IMAGE_FILE_EXTENSIONS).
for name in ("selfie", "id_front"):
    Image.open(path(name + ".jpg")).save(path(name + ".png"))

ID = {"country": "NG", "id_type": "NATIONAL_ID", "entered": False}
JOBS = {
    # name: (images, id_info, use_enrolled_image)
    "files_front_back": ([{"image_type_id": 0, "file_name": path("selfie.jpg")},
                          {"image_type_id": 1, "file_name": path("id_front.jpg")},
                          {"image_type_id": 5, "file_name": path("id_back.jpg")}], ID, False),
    "base64_selfie_and_front": ([{"image_type_id": 2, "image": b64("selfie.jpg")},
                                 {"image_type_id": 3, "image": b64("id_front.jpg")}], ID, False),
    "base64_front_file_back": ([{"image_type_id": 0, "file_name": path("selfie.jpg")},
                                {"image_type_id": 3, "image": b64("id_front.jpg")},
                                {"image_type_id": 7, "image": b64("id_back.jpg")}], ID, False),
    "enrolled_selfie": ([{"image_type_id": 1, "file_name": path("id_front.jpg")}], ID, True),
    "passport": ([{"image_type_id": 0, "file_name": path("selfie.jpg")},
                  {"image_type_id": 1, "file_name": path("passport.jpg")}],
                 {"country": "NG", "id_type": "PASSPORT"}, False),
    "liveness": ([{"image_type_id": 0, "file_name": path("selfie.jpg")},
                  {"image_type_id": 1, "file_name": path("id_front.jpg")}]
                 + [{"image_type_id": 4, "file_name": path(f"liveness_{i}.jpg")} for i in range(1, 9)],
                 ID, False),
    "png_files": ([{"image_type_id": 0, "file_name": path("selfie.png")},
                   {"image_type_id": 1, "file_name": path("id_front.png")}], ID, False),
    # Bad jobs the SDK lets through; judge.py expects the code in the name's table.
    "bad_country_xx": ([{"image_type_id": 0, "file_name": path("selfie.jpg")},
                        {"image_type_id": 1, "file_name": path("id_front.jpg")}],
                       {"country": "XX", "id_type": "NATIONAL_ID"}, False),
    "bad_front_is_text": ([{"image_type_id": 0, "file_name": path("selfie.jpg")},
                           {"image_type_id": 1, "file_name": path("notes.jpg")}], ID, False),
}
with open(path("notes.jpg"), "w") as f:
    f.write("not a photo\n")

api = WebApi(PARTNER, "https://callback.invalid/", KEY, 0)
for n, (imgs, id_info, enrolled) in JOBS.items():
    captured.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate base64imgString
        api.submit_job({"user_id": "u1", "job_id": f"job-{n}", "job_type": 6},
                       imgs, id_info,
                       {"return_job_status": False, "return_history": False,
                        "return_images": False, "use_enrolled_image": enrolled})
    with open(os.path.join(jobs, f"python_{n}.zip"), "wb") as f:
        f.write(captured["zip"])
    print(f"python_{n}.zip: {len(captured['zip'])} bytes")

sig = Signature(PARTNER, KEY)
signs = {"partner_id": PARTNER, "api_key": KEY,
         "generated": sig.generate_signature("2026-12-06T10:00:00.000Z")}
with open(os.path.join(jobs, "python_signature.json"), "w") as f:
    json.dump(signs, f)
