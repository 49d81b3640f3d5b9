"""The scripts library (话术) and macros (R-SOL-3)."""
