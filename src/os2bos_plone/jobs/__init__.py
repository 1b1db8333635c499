"""The nightly jobs (``make jobs``): one list, in order, each safe to run twice."""
