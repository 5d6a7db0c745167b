"""The symbol index of one pinned tree: its schema, its build (parse, resolve, write) and its reader. No rendering."""
