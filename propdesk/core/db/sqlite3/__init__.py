"""SQLite, keeping the append-only triggers (core.append_only) through flushes and
table rebuilds."""
