#!/bin/sh
# Writes a call with an 80 KB path: the unmapped-endpoint message (and a human line) is 80-240 KB.
# usage: huge-url-message.sh > long.js
python3 -c 'import sys; sys.stdout.write("fetch(\"https://cc.voiso.com/api/v1/" + "abc/" * 20000 + "x\")\n")'
