#!/usr/bin/env node
import "../dist/bin/tscctl.js";
