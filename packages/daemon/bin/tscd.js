#!/usr/bin/env node
import "../dist/bin/tscd.js";
