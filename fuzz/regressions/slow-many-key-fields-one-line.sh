#!/bin/sh
# Writes a 1.1 MB one-line JSON with 20,000 `"key":` fields and calls: ~60 s (release).
# usage: slow-many-key-fields-one-line.sh > dump.json
python3 -c 'import sys; sys.stdout.write("[" + ",".join("{\"key\": k%d, \"url\": \"https://cc.voiso.com/api/v2/cdr\"}" % i for i in range(20000)) + "]")'
