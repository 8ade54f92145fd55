#!/usr/local/bin/node
// Entry point of the image (no shell in it): runs the gateway with /config/smi.yaml when that file
// exists, on the embedded defaults otherwise; any arguments replace the command
// (`docker run … decode --summary /config/capture.bin`). Node stays PID 1 and handles SIGTERM.
'use strict';
const { existsSync } = require('node:fs');
const { main } = require('/app/dist/smi.js');

const args = process.argv.slice(2);
let command = args;
if (args.length === 0) command = existsSync('/config/smi.yaml') ? ['run', '--config', '/config/smi.yaml'] : ['run'];
void main([process.execPath, '/app/dist/smi.js', ...command]);
