#!/usr/bin/env node
// The `kaizen` bin: a committed file, so npm links it at install time even in a clone where
// dist/ is not built yet (npm skips a bin whose target is missing); the command is dist/main.js.
import "../dist/main.js"
