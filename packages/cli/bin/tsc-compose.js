#!/usr/bin/env node
import "../dist/bin/tsc-compose.js";
