#!/bin/sh
# Writes a 2 MB one-line file with 40,000 URLs: `scopeshift check` takes ~30 s (release) on it.
# usage: slow-many-urls-one-line.sh > app.min.js
python3 -c 'import sys; sys.stdout.write("/* voiso */" + "fetch(\"https://example.com/api/x/y\");" * 40000)'
