// Builds the Home Assistant add-on image for this machine's architecture from the repository,
// tagged as the Supervisor would pull it (config.yaml `image:` with {arch}, `:version`), e.g. to
// try an unreleased version on a development Home Assistant (`docker save | ssh … docker load`).
// The add-on folder needs no generated files: the Supervisor pulls the image the release
// workflow (.github/workflows/addon-image.yaml) publishes.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { arch } from 'node:os';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const manifest = YAML.parse(readFileSync(`${root}/addon/smart-meter-interop/config.yaml`, 'utf8'));
const haArch = { x64: 'amd64', arm64: 'aarch64' }[arch()];
if (!haArch || !manifest.arch.includes(haArch)) throw new Error(`the add-on is not built for ${arch()}`);
const tag = `${manifest.image.replace('{arch}', haArch)}:${manifest.version}`;
const args = ['build', '-f', 'addon/smart-meter-interop/Dockerfile'];
args.push(
  '--build-arg',
  `BUILD_FROM=ghcr.io/home-assistant/${haArch}-base-debian:bookworm`,
  '--build-arg',
  `BUILD_ARCH=${haArch}`,
  '--build-arg',
  `BUILD_VERSION=${manifest.version}`,
);
execFileSync('docker', [...args, '-t', tag, '.'], { cwd: root, stdio: 'inherit' });
console.log(`add-on image ready: ${tag}`);
