"""The text front end: equations, expressions and names, parsed and checked without sympy or Jinja2 (the warm path)."""
