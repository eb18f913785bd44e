"""What the core registers itself, exactly as a third-party plugin would: the `local` executor."""
