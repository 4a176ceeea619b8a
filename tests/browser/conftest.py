"""The headless-Chromium fixture of the browser check, shared with its self-test."""

from site_check import browser  # noqa: F401
