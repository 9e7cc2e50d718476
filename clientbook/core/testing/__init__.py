"""Test cases a model's tests inherit by naming its spec and a factory (``web`` pages; ``api`` operations)."""
