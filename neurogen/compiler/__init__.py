"""Models to C++: the IR, sympy, integration, lowering, passes, the printer and Jinja2 rendering (the cold path; the only home of sympy and Jinja2)."""
