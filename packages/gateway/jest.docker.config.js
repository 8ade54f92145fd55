// The Docker image test (`npm run test:docker`): needs a Docker engine and the image
// smart-meter-interop:test, which scripts/test-all.sh builds before running it.
module.exports = { ...require('../../jest.preset.js'), rootDir: __dirname, displayName: '@smi/gateway (docker)', testMatch: ['<rootDir>/src/**/*.docker.test.ts'] };
