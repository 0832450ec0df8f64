#!/usr/bin/env node
// The `csms-sim` command. A committed file, so that pnpm links the command at install time,
// before the build has produced dist/; the command itself is dist/src/cli/main.js.
import '../dist/src/cli/main.js'
