"""Benchmarks: each prints its measures beside a baseline measured in the same run."""
