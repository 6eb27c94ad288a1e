"""Build and test helpers (run by build.sh, imported by the tests and benchmarks)."""
