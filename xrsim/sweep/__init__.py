"""Design-space sweeps: generated designs, sweep specs and their runs."""
