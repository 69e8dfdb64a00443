#!/usr/bin/env node
// Committed so npm links `ocellus` on install, before dist/ is built.
import '../dist/main.js';
