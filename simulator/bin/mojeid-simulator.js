#!/usr/bin/env node
// The `mojeid-simulator` command. A committed file, not dist/cli.js itself, so that `npm install`
// links the command before the first build has made dist/ (npm skips a bin whose file is missing).
import '../dist/cli.js';
