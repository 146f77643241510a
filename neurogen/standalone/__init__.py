"""Brian2's cpp_standalone device: the plan, the project written to disk, the program's results."""
