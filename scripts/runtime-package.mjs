// Writes the package.json of the runtime image: the bundle's external npm dependencies, with the
// versions the workspace packages declare (used by docker/Dockerfile).
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const rootPkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const deps = {};
for (const p of ['model', 'decoder', 'templates', 'discovery', 'gateway']) {
  const pkg = JSON.parse(readFileSync(`${root}/packages/${p}/package.json`, 'utf8'));
  for (const [name, version] of Object.entries(pkg.dependencies ?? {})) if (!name.startsWith('@smi/')) deps[name] = version;
}
const out = process.argv[2] ?? '/dev/stdout';
writeFileSync(
  out,
  JSON.stringify({ name: 'smart-meter-interop-runtime', version: rootPkg.version, private: true, bin: { smi: 'dist/smi.js' }, dependencies: deps }, null, 2) +
    '\n',
);
