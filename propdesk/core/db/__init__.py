"""Database backends of PropDesk."""
