"""slam's commands, one module each."""
