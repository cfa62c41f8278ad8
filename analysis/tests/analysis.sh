#!/bin/bash
# Runs the analysis's fixture test with Debian's python3 (the one that has
# python3-pandas and python3-matplotlib); PASS:/FAIL: lines.
exec "${NESTLAB_PYTHON:-/usr/bin/python3}" "$(dirname "$0")/test_analysis.py"
