module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  displayName: require('./package.json').name,
  // the Docker image test has its own config (jest.docker.config.js, `npm run test:docker`)
  testPathIgnorePatterns: ['\\.docker\\.test\\.ts$'],
};
