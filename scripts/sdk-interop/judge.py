"""Judge the SDKs' zips with `preflight validate-zip`, and signatures both ways.

Every zip whose job name does not start with `bad_` must be accepted (`valid`, exit 0 or 3);
each bad one must get the code in BAD. Signatures: `preflight sign` must equal each SDK's
`generate_signature` for the same timestamp, `preflight verify` must accept each SDK's, and
the Python SDK's `confirm_signature` must accept ours.

    python judge.py PREFLIGHT JOBS
"""
import glob, json, os, subprocess, sys

from smile_id_core import Signature

bin_, jobs = sys.argv[1], sys.argv[2]
BAD = {"bad_country_xx": "1014", "bad_front_is_text": "0001"}
# Warnings a job must carry (what the SDK does that the documentation does not).
NOTES = {"python_base64_selfie_and_front": "duplicate_entry", "python_base64_front_file_back": "duplicate_entry",
         "python_png_files": "image_png", "python_enrolled_selfie": "no_selfie", "node_enrolled_selfie": "no_selfie"}
failures, rows = [], []
for z in sorted(glob.glob(os.path.join(jobs, "*.zip"))):
    job = os.path.basename(z)[:-4]
    name = job.split("_", 1)[1]
    p = subprocess.run([bin_, "validate-zip", "--json", z], capture_output=True, text=True)
    v = json.loads(p.stdout)
    notes = sorted({f["finding"] for f in v["findings"] if f["code"] is None and f["severity"] == "warn"})
    want = BAD.get(name)
    ok = (v["code"] == want and p.returncode == 1) if want else (v["valid"] and p.returncode in (0, 3))
    if job in NOTES and NOTES[job] not in notes:
        ok = False
    rows.append((job, v["valid"], v["code"], v["photos"], p.returncode, want or "accept", ok, notes))
    if not ok:
        failures.append(f"{job}: valid={v['valid']} code={v['code']} exit={p.returncode}: {v['message']}")

print(f"{'zip':38} {'valid':5} {'code':5} {'photos':7} exit  expected  ok  warnings")
for job, valid, code, photos, rc, want, ok, notes in rows:
    print(f"{job:38} {str(valid):5} {str(code):5} {str(photos):7} {rc:4}  {want:8}  {'yes' if ok else 'NO ':3} {', '.join(notes)}")

for sdk in ("python", "node"):
    s = json.load(open(os.path.join(jobs, f"{sdk}_signature.json")))
    g = s["generated"]
    ours = json.loads(subprocess.run([bin_, "sign", "--partner-id", s["partner_id"], "--api-key", s["api_key"],
                                      "--timestamp", g["timestamp"]], capture_output=True, text=True, check=True).stdout)
    body = os.path.join(jobs, f"{sdk}_callback.json")
    json.dump({"timestamp": g["timestamp"], "signature": g["signature"], "ResultCode": "0810"}, open(body, "w"))
    verified = subprocess.run([bin_, "verify", "--partner-id", s["partner_id"], "--api-key", s["api_key"], body],
                              capture_output=True).returncode == 0
    confirmed = Signature(s["partner_id"], s["api_key"]).confirm_signature(ours["timestamp"], ours["signature"])
    same = ours["signature"] == g["signature"]
    print(f"signature {sdk}: preflight sign == SDK generate: {same}; preflight verify accepts the SDK's: {verified}; "
          f"Python SDK confirms ours: {confirmed}")
    if not (same and verified and confirmed):
        failures.append(f"signature interop with the {sdk} SDK")

print(f"\n{len(rows)} SDK zips: {sum(r[6] for r in rows)} judged as expected")
if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
