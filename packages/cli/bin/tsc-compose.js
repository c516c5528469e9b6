#!/usr/bin/env node
import "../dist/bundle/tsc-compose.js";
