"""Interactive screens built with prompt_toolkit (the wizard, the quiz)."""
