// Copies what the add-on image needs into addon/smart-meter-interop/app (the Supervisor builds the
// add-on from its own folder): the bundle, the simulator recordings and the runtime package.json.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const app = `${root}/addon/smart-meter-interop/app`;
rmSync(app, { recursive: true, force: true });
mkdirSync(`${app}/dist`, { recursive: true });
execFileSync(process.execPath, [`${root}/scripts/build.mjs`], { stdio: 'inherit' });
cpSync(`${root}/packages/gateway/dist/smi.js`, `${app}/dist/smi.js`);
cpSync(`${root}/packages/gateway/assets`, `${app}/assets`, { recursive: true });
execFileSync(process.execPath, [`${root}/scripts/runtime-package.mjs`, `${app}/package.json`], { stdio: 'inherit' });
console.log(`add-on build context ready in ${app}`);
