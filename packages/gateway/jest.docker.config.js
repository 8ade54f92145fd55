// The image tests (`npm run test:docker`): need a Docker engine, docker-compose and the images
// scripts/test-all.sh builds first: smart-meter-interop:test (docker/Dockerfile), smi-addon:test
// (addon/smart-meter-interop/Dockerfile) and eclipse-mosquitto:2 (a local stand-in).
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  displayName: '@smi/gateway (docker)',
  testMatch: ['<rootDir>/src/**/*.docker.test.ts'],
};
