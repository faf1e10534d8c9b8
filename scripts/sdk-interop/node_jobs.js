// Build upload zips with Smile ID's Node SDK (smile-identity-core), through WebApi.submit_job
// with axios stubbed: the prep-upload POST answers with an upload URL, and the zip the SDK
// PUTs there is written to JOBS/node_<job>.zip. Also writes the SDK's signature for judge.py.
//   NODE_PATH=... node node_jobs.js IMAGES JOBS
const fs = require('fs');
const path = require('path');
const axios = require('axios');
const { WebApi, Signature } = require('smile-identity-core');

const [images, jobs] = process.argv.slice(2);
const PARTNER = '212';
const KEY = 'interop-test-key';
let captured = null;
const http = axios.default || axios;
http.post = async () => ({ data: { upload_url: 'https://upload.invalid/put', smile_job_id: '0000001' } });
http.put = async (url, data) => { captured = Buffer.from(data); return { status: 200, data: {} }; };
http.get = async (url) => { throw new Error(`unexpected GET ${url}`); };

const file = (n) => path.join(images, n);
const b64 = (n) => fs.readFileSync(file(n)).toString('base64');
const ID = { country: 'NG', id_type: 'NATIONAL_ID' };
const JOBS = {
  files_front: [[{ image_type_id: 0, image: file('selfie.jpg') }, { image_type_id: 1, image: file('id_front.jpg') }], ID, false],
  base64_selfie_and_front: [[{ image_type_id: 2, image: b64('selfie.jpg') }, { image_type_id: 3, image: b64('id_front.jpg') }], ID, false],
  base64_back: [[{ image_type_id: 0, image: file('selfie.jpg') }, { image_type_id: 1, image: file('id_front.jpg') }, { image_type_id: 7, image: b64('id_back.jpg') }], ID, false],
  enrolled_selfie: [[{ image_type_id: 1, image: file('id_front.jpg') }], ID, true],
  passport: [[{ image_type_id: 0, image: file('selfie.jpg') }, { image_type_id: 1, image: file('passport.jpg') }], { country: 'NG', id_type: 'PASSPORT' }, false],
  liveness: [[{ image_type_id: 0, image: file('selfie.jpg') }, { image_type_id: 1, image: file('id_front.jpg') }]
    .concat([1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ image_type_id: 6, image: b64(`liveness_${i}.jpg`) }))), ID, false],
  bad_country_xx: [[{ image_type_id: 0, image: file('selfie.jpg') }, { image_type_id: 1, image: file('id_front.jpg') }], { country: 'XX', id_type: 'NATIONAL_ID' }, false],
};

(async () => {
  const api = new WebApi(PARTNER, 'https://callback.invalid/', KEY, 0);
  for (const [name, [imgs, idInfo, enrolled]] of Object.entries(JOBS)) {
    captured = null;
    await api.submit_job({ user_id: 'u1', job_id: `job-${name}`, job_type: 6 }, imgs, idInfo,
      { return_job_status: false, use_enrolled_image: enrolled });
    if (!captured) throw new Error(`${name}: no zip was uploaded`);
    fs.writeFileSync(path.join(jobs, `node_${name}.zip`), captured);
    console.log(`node_${name}.zip: ${captured.length} bytes`);
  }
  const generated = new Signature(PARTNER, KEY).generate_signature('2026-12-06T10:00:00.000Z');
  fs.writeFileSync(path.join(jobs, 'node_signature.json'),
    JSON.stringify({ partner_id: PARTNER, api_key: KEY, generated }));
})().catch((e) => { console.error(e); process.exit(1); });
