#!/bin/sh
# keepalived track script: exit 0 only when the local Cairn node is the writer.
exec curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:9464/health/leader
