#!/usr/bin/env node
'use strict';
// The `smi` command. `npm install` (or `npm run build`) bundles the gateway into dist/.
require('../dist/smi.js').main(process.argv);
