"""Solutions and compensation: solution types, compensation with approval limits and execution (R-SOL-1, R-SOL-2)."""
