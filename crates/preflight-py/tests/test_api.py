"""The Python package against the CLI it mirrors, on generated captures."""

import json
import subprocess
import threading
import zipfile
import io

import pytest

import kyc_preflight as kp

WINDOW = (614_400, 10_000_000)


def cli_json(cli, *args):
    """The JSON lines `preflight ... --json` prints."""
    out = subprocess.run([cli, *args, "--json"], capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def codes(report, severity=None):
    return sorted(
        f["code"] for f in report["findings"] if severity is None or f["severity"] == severity
    )


def test_the_package_is_the_installed_one_not_the_source_folder():
    assert "site-packages" in kp.__file__ or "dist-packages" in kp.__file__, kp.__file__


def test_check_gives_the_report_the_cli_prints(cli, render):
    for name, seed, variant, passport in [
        ("good", 11, "good", False),
        ("cut", 12, "cut_off_left", False),
        ("glare", 13, "glare_large", False),
        ("passport", 14, "good", True),
    ]:
        path = render(name, seed, variant, passport)
        klass = "passport" if passport else "id-card"
        mine = kp.check(path.read_bytes(), class_=klass, path=str(path))
        theirs = [r for r in cli_json(cli, "check", "--class", klass, str(path)) if r["type"] == "report"]
        assert mine == theirs[0], name


def test_check_finds_what_the_generator_put_there(render):
    good = kp.check(render("good", 11).read_bytes())
    assert good["verdict"] in ("pass", "warn"), codes(good)
    assert good["metrics"]["document"]["coverage"] > 0.05
    cut = kp.check(render("cut", 12, "cut_off_left").read_bytes())
    assert cut["verdict"] == "reject"
    assert "document_cut_off" in codes(cut, "reject") or "tightly_cropped" in codes(cut, "reject")


def test_faces_false_skips_the_face_search_as_the_cli_no_faces_does(cli, render):
    path = render("good", 11)
    data = path.read_bytes()
    on = kp.check(data, path=str(path))
    off = kp.check(data, path=str(path), faces=False)
    assert "portrait_not_found" not in codes(off)
    assert "portrait" not in off["metrics"]
    # With faces, the portrait is searched: found (metrics.portrait) or reported missing.
    assert "portrait" in on["metrics"] or "portrait_not_found" in codes(on)
    theirs = [r for r in cli_json(cli, "check", "--no-faces", str(path)) if r["type"] == "report"]
    assert off == theirs[0]
    assert [r["metrics"].get("portrait") for r in kp.check_many([data], faces=False)] == [None]
    _, fixed = kp.fix(data, faces=False)
    assert "portrait_not_found" not in codes(fixed)


def test_mrz_false_skips_the_zone_as_the_cli_no_mrz_does(cli, render):
    path = render("good", 11)
    data = path.read_bytes()
    on = kp.check(data, path=str(path), class_="passport", faces=False)
    off = kp.check(data, path=str(path), class_="passport", faces=False, mrz=False)
    # A passport's zone is searched: found (metrics.mrz) or reported missing.
    assert "mrz" in on["metrics"] or "mrz_not_found" in codes(on)
    assert "mrz" not in off["metrics"]
    assert not [c for c in codes(off) if c.startswith("mrz_")]
    args = ["check", "--class", "passport", "--no-faces", "--no-mrz", str(path)]
    theirs = [r for r in cli_json(cli, *args) if r["type"] == "report"]
    assert off == theirs[0]


def test_an_unreadable_input_is_an_error_report_not_an_exception(render):
    r = kp.check(b"this is not an image", path="note.txt")
    assert r["verdict"] == "error"
    assert r["error"]["code"] == "unsupported_format"
    assert r["path"] == "note.txt"
    data = render("good", 11).read_bytes()
    truncated = kp.check(data[: len(data) // 3])
    assert truncated["verdict"] in ("error", "reject", "warn"), truncated
    assert "truncated" in codes(truncated) or truncated["verdict"] == "error"
    assert kp.check(b"")["verdict"] == "error"


def test_a_report_for_an_input_never_read_has_the_library_s_shape():
    # The archive recipes report unreadable and over-cap files with it.
    assert kp.MAX_INPUT_BYTES == 64 << 20
    seen = kp.check(b"", path="x.jpg")
    unread = kp.unread_report("x.jpg", "io_error", "gone", class_="id-card")
    assert sorted(unread) == sorted(seen)
    assert {k: unread[k] for k in ("type", "path", "class", "verdict", "findings")} == {
        k: seen[k] for k in ("type", "path", "class", "verdict", "findings")
    }
    assert unread["error"] == {"code": "io_error", "message": "gone"}


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="unknown class"):
        kp.check(b"x", class_="driving-licence")
    with pytest.raises(ValueError, match="unknown profile"):
        kp.check(b"x", profile="paranoid")
    with pytest.raises(TypeError):
        kp.check("a path is not bytes")
    with pytest.raises(ValueError, match="paths for"):
        kp.check_many([b"a", b"b"], paths=["only one"])


def test_fix_makes_a_jpeg_inside_the_byte_window(cli, render, tmp_path):
    path = render("rotated", 21, orientation=6)
    jpeg, report = kp.fix(bytearray(path.read_bytes()), path=str(path))
    assert jpeg is not None, codes(report)
    assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9"
    assert WINDOW[0] <= len(jpeg) <= WINDOW[1]
    assert report["output"]["bytes"] == len(jpeg)
    # Upright: the stored 2000 x 1500 rotated by the EXIF tag comes out 1500 wide.
    assert (report["output"]["width"], report["output"]["height"]) == (
        report["image"]["width"],
        report["image"]["height"],
    )
    out = tmp_path / "cli.jpg"
    subprocess.run([cli, "fix", str(path), "-o", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == jpeg, "the same bytes as `preflight fix`"


def test_fix_gives_no_file_when_the_photo_cannot_be_made_compliant(render):
    small = render("small", 31, size=(400, 300))
    jpeg, report = kp.fix(small.read_bytes())
    assert jpeg is None
    assert "resolution_too_low" in codes(report, "reject")
    jpeg, report = kp.fix(b"\x89PNG\r\n\x1a\n broken")
    assert jpeg is None and report["verdict"] == "error"


def test_check_many_keeps_order_and_isolates_a_bad_item(render):
    items = [render("good", 11).read_bytes(), b"garbage", render("cut", 12, "cut_off_left").read_bytes()]
    reports = kp.check_many(items, paths=["a.jpg", "b.jpg", "c.jpg"], jobs=2)
    assert [r["path"] for r in reports] == ["a.jpg", "b.jpg", "c.jpg"]
    assert reports[1]["verdict"] == "error"
    for data, r, p in zip(items, reports, ["a.jpg", "b.jpg", "c.jpg"]):
        assert r == kp.check(data, path=p)
    assert kp.check_many([]) == []


def test_the_interpreter_runs_while_images_are_checked(render):
    data = [render("good", 11).read_bytes()] * 6
    done = threading.Event()
    result = {}

    def work():
        try:
            result["reports"] = kp.check_many(data, jobs=1)
        finally:
            done.set()

    ticks = 0
    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks += 1
        done.wait(0.001)
    t.join()
    assert len(result["reports"]) == 6
    # With the interpreter held for the whole call the loop above could not run during it.
    assert ticks > 20, ticks


def test_package_then_validate_zip(cli, render):
    front = render("front", 41).read_bytes()
    selfie = render("selfie", 42, size=(1200, 900)).read_bytes()
    zip_bytes, result = kp.package(
        country="NG",
        id_type="NATIONAL_ID",
        id_front=front,
        selfie=selfie,
        partner_id="001",
        api_key="key",
        job_id="job-1",
        user_id="user-1",
        callback_url="https://example.com/cb",
        timestamp="2026-12-06T12:00:00.000Z",
    )
    assert zip_bytes is not None, result
    assert result["verdict"] in ("pass", "warn")
    assert [i["role"] for i in result["images"]] == ["selfie", "id_front"]
    assert all(i["report"]["type"] == "report" for i in result["images"])
    names = zipfile.ZipFile(io.BytesIO(zip_bytes)).namelist()
    assert "info.json" in names
    v = kp.validate_zip(zip_bytes, path="job.zip")
    assert v["valid"] is True, v
    assert v["path"] == "job.zip"
    bad = kp.validate_zip(b"PK\x03\x04 not really a zip")
    assert bad["valid"] is False and bad["code"] == "0903"


def test_a_refused_package_raises_with_the_code(render):
    with pytest.raises(kp.PreflightError) as e:
        kp.package(country="ZZ", id_front=render("front", 41).read_bytes())
    assert e.value.code
    assert "ZZ" in str(e.value)
    with pytest.raises(ValueError, match="partner_id and api_key"):
        kp.package(country="NG", id_front=b"x", partner_id="001")


def test_sign_and_verify_agree_with_the_cli(cli):
    ts = "2026-12-06T12:00:00.000Z"
    s = kp.sign("api-key", "001", ts)
    assert s["timestamp"] == ts
    theirs = json.loads(
        subprocess.run(
            [cli, "sign", "--partner-id", "001", "--api-key", "api-key", "--timestamp", ts],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    assert theirs["signature"] == s["signature"]
    assert kp.verify("api-key", "001", ts, s["signature"])
    assert not kp.verify("other-key", "001", ts, s["signature"])
    assert not kp.verify("api-key", "001", ts, "not base64 !!")
    assert kp.sign("api-key", "001")["timestamp"].endswith("Z")
