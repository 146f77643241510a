"""User-facing simulation objects: validated specs plus numpy state, no code generation."""
