# analysis/: the Python 3 analysis of `nestlab bench` result sets (Debian's
# python3-pandas and python3-matplotlib): tables, plots, report.md. Its test
# runs it on a fixture result set whose every figure is known.
TEST_SCRIPTS += analysis/tests/analysis.sh
