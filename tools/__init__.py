"""Helpers for commands beside the app (demo data); clients of core, like bench/."""
