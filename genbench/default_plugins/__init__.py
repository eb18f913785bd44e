"""What the core registers itself, exactly as a third-party plugin would: the `local`
executor (always), and the terminal reporter, which `genbench run` registers for the length
of a sweep (`terminal.TerminalReporter`)."""
