"""What the tests share: paths, running the command, engine and tool helpers."""
